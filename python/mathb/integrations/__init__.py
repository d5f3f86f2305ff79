"""Reward functions in the call shapes of RL trainers: `verl`, `trl`, `openrlhf`; each grades
a whole batch in one GIL-free `mathb.grade_batch` call and uses no signal or timer thread.
`rewards` holds what they share: the grading options they accept and verdicts as scores."""
