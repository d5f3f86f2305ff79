use super::*;
use serde_json::json;

fn s(items: &[&str]) -> Vec<String> {
    items.iter().map(|x| x.to_string()).collect()
}

fn any_of(items: &[&str]) -> String {
    Gold::AnyOf(s(items)).encode()
}

fn choice(gold: Value, choices: &[&str]) -> String {
    Gold::choice(&gold, &s(choices), None, false)
        .unwrap()
        .encode()
}

#[test]
fn encoding_round_trips_and_plain_golds_are_themselves() {
    for gold in [
        Gold::One("\\frac12".into()),
        Gold::One(format!("{PREFIX}[\"x\"]")),
        Gold::AnyOf(s(&["1/2", "0.5"])),
        Gold::Choice {
            choices: s(&["27", "28"]),
            correct: vec![1],
        },
    ] {
        assert_eq!(Gold::decode(&gold.encode()), gold);
    }
    assert_eq!(Gold::One("x+1".into()).encode(), "x+1");
    assert_eq!(plain("x+1".into()), "x+1");
    let tricky = format!("{PREFIX}[\"1\",\"2\"]");
    assert_eq!(Gold::decode(&plain(tricky.clone())), Gold::One(tricky));
    // A malformed encoding is read as the plain text it is.
    let bad = format!("{PREFIX}{{");
    assert_eq!(Gold::decode(&bad), Gold::One(bad.clone()));
    assert_eq!(gold_json(&any_of(&["1", "2"])), r#"["1","2"]"#);
    assert_eq!(gold_json("1"), r#""1""#);
}

#[test]
fn any_gold_that_matches_is_correct() {
    let o = Options::default();
    let gold = any_of(&["\\frac12", "x=3"]);
    let v = grade(&gold, "so \\boxed{0.5}", &o);
    assert_eq!(v.status, Status::Correct);
    assert!(
        v.reason.starts_with("gold 1 of 2 (\\frac12) matches"),
        "{}",
        v.reason
    );
    let v = grade(&gold, "so \\boxed{3}", &o);
    assert_eq!(v.status, Status::Correct);
    assert!(
        v.reason.starts_with("gold 2 of 2 (x=3) matches"),
        "{}",
        v.reason
    );
    let v = grade(&gold, "so \\boxed{7}", &o);
    assert_eq!(v.status, Status::Incorrect);
    assert!(
        v.reason.starts_with("none of the 2 golds matches"),
        "{}",
        v.reason
    );
    assert_eq!(grade(&gold, "no idea", &o).status, Status::NoAnswer);
    // One gold decided incorrect, one undecided: undecided.
    let gold = any_of(&["2", "\\sin^2 x + \\cos^2 x"]);
    let v = grade(&gold, "\\boxed{1}", &o);
    assert_eq!(v.status, Status::Undecided);
    assert!(v.reason.starts_with("gold 2 of 2"), "{}", v.reason);
    assert_eq!(
        verify(&any_of(&["1", "2"]), "2", &o).status,
        Status::Correct
    );
    assert_eq!(
        verify(&any_of(&["1", "2"]), "3", &o).status,
        Status::Incorrect
    );
}

#[test]
fn plain_golds_grade_as_before() {
    let o = Options::default();
    for (g, c) in [
        ("\\frac12", "\\boxed{0.5}"),
        ("3", "The answer is 4."),
        ("C", "(C)"),
    ] {
        assert_eq!(grade(g, c, &o), single::grade(g, c, &o));
        assert_eq!(verify(g, c, &o), single::verify(g, c, &o));
    }
}

#[test]
fn a_gold_names_its_option_by_index_letter_or_text() {
    let choices = s(&["27", "28", "\\frac{1}{2}", "30"]);
    let correct = |g: Value| match Gold::choice(&g, &choices, None, true) {
        Some(Gold::Choice { correct, .. }) => Some(correct),
        _ => None,
    };
    assert_eq!(correct(json!(1)), Some(vec![1]));
    assert_eq!(correct(json!("B")), Some(vec![1]));
    assert_eq!(correct(json!("(C)")), Some(vec![2]));
    assert_eq!(correct(json!("28")), Some(vec![1]));
    assert_eq!(correct(json!("$\\frac{1}{2}$")), Some(vec![2]));
    assert_eq!(correct(json!("3")), Some(vec![3])); // no option "3": an index
    assert_eq!(correct(json!([0, 3])), Some(vec![0, 3]));
    assert_eq!(correct(json!(4)), None);
    assert_eq!(correct(json!("F")), None);
    assert_eq!(correct(json!("nothing")), None);
    assert_eq!(Gold::choice(&json!(0), &s(&["x"]), None, true), None);
    // Digits name an index only where the gold is known to be one (lm-eval's target).
    assert_eq!(Gold::choice(&json!("3"), &choices, None, false), None);
    let labels = s(&["1", "2", "3", "4"]);
    assert!(matches!(
        Gold::choice(&json!("2"), &choices, Some(&labels), false),
        Some(Gold::Choice { correct, .. }) if correct == vec![1]
    ));
    // Options that are only their letters carry no value: the gold is the letter.
    let letters = s(&[" A", " B", " C", " D"]);
    assert_eq!(
        Gold::choice(&json!(2), &letters, None, false),
        Some(Gold::One("C".into()))
    );
}

#[test]
fn multiple_choice_by_letter_or_value() {
    let o = Options::default();
    let gold = choice(
        json!("B"),
        &["(A) 27", "(B) \\frac{1}{2}", "(C) 30", "(D) 12"],
    );
    let status = |c: &str| grade(&gold, c, &o).status;
    assert_eq!(status("The answer is (B)."), Status::Correct);
    assert_eq!(status("so \\boxed{B}"), Status::Correct);
    assert_eq!(status("\\boxed{0.5}"), Status::Correct); // the right option's value
    assert_eq!(status("\\boxed{\\frac{2}{4}}"), Status::Correct);
    assert_eq!(status("\\boxed{C}"), Status::Incorrect); // another letter
    assert_eq!(status("\\boxed{30}"), Status::Incorrect); // another option's value
    assert_eq!(status("\\boxed{7}"), Status::Incorrect); // no option at all
    assert_eq!(status("\\boxed{F}"), Status::Incorrect);
    assert_eq!(status("nothing here"), Status::NoAnswer);
    let v = grade(&gold, "\\boxed{30}", &o);
    assert_eq!(v.reason, "states the value of option C, B expected");
    let v = grade(&gold, "\\boxed{0.5}", &o);
    assert!(
        v.reason.starts_with("states the value of option B"),
        "{}",
        v.reason
    );
    assert_eq!(v.extracted.as_deref(), Some("0.5"));
    assert_eq!(verify(&gold, "B", &o).status, Status::Correct);
    assert_eq!(verify(&gold, "0.5", &o).status, Status::Correct);
    assert_eq!(verify(&gold, "27", &o).status, Status::Incorrect);
}

#[test]
fn text_options_match_by_their_words() {
    let o = Options::default();
    let gold = choice(json!(0), &["Paris", "Lyon", "Nice"]);
    assert_eq!(
        grade(&gold, "The answer is: paris.", &o).status,
        Status::Correct
    );
    assert_eq!(
        grade(&gold, "The answer is: Lyon", &o).status,
        Status::Incorrect
    );
}

#[test]
fn options_in_words_hedged_values_and_several_letters() {
    let o = Options::default();
    let status = |gold: &str, c: &str| verify(gold, c, &o).status;
    // A hedged option is stated by its value; another option's value is another option.
    let hedged = choice(json!(2), &["Around 21%", "Around 27%", "Around 31%"]);
    assert_eq!(status(&hedged, "31\\%"), Status::Correct);
    assert_eq!(status(&hedged, "27\\%"), Status::Incorrect);
    assert_eq!(status(&hedged, "C"), Status::Correct);
    // An option in words is not stated by math without words.
    let worded = choice(
        json!(2),
        &[
            "$P(-1)$",
            "$\\text{The product of the zeros of }P$",
            "$\\text{The sum of the coefficients of }P$",
        ],
    );
    assert_eq!(status(&worded, "a + b + c + d"), Status::Incorrect);
    assert_eq!(status(&worded, "C"), Status::Correct);
    // Several letters name no one option.
    let letters = choice(json!(3), &["$a>0$", "$b<0$", "$c<0$", "$d<0$"]);
    let v = verify(&letters, "A, B, D", &o);
    assert_eq!(v.status, Status::Incorrect);
    assert!(
        v.reason.starts_with("names several options (A, B, D)"),
        "{}",
        v.reason
    );
    assert_eq!(status(&letters, "D"), Status::Correct);
}

#[test]
fn the_fallback_plan_and_its_verdict() {
    let gold = any_of(&["1", "\\sin^2 x + \\cos^2 x"]);
    assert_eq!(
        fallback_plan(&gold),
        vec![("1".into(), true), ("\\sin^2 x + \\cos^2 x".into(), true)]
    );
    let yes = Some((Status::Correct, "sympy: equal".to_string()));
    let no = Some((Status::Incorrect, "sympy: differ".to_string()));
    let (status, reason) = combine_fallback(&gold, &[no.clone(), yes.clone()]).unwrap();
    assert_eq!(status, Status::Correct);
    assert!(reason.starts_with("gold 2 of 2"), "{reason}");
    assert_eq!(combine_fallback(&gold, &[no.clone(), None]), None);
    assert_eq!(
        combine_fallback(&gold, &[no.clone(), no.clone()]).map(|r| r.0),
        Some(Status::Incorrect)
    );
    assert_eq!(fallback_plan("x"), vec![("x".into(), true)]);
    assert_eq!(combine_fallback("x", std::slice::from_ref(&yes)), yes);

    let gold = choice(json!(1), &["(A) 1", "(B) 2", "(C) 3"]);
    assert_eq!(
        fallback_plan(&gold),
        vec![("1".into(), false), ("2".into(), true), ("3".into(), false)]
    );
    let (status, reason) = combine_fallback(&gold, &[yes.clone(), None, None]).unwrap();
    assert_eq!(status, Status::Incorrect);
    assert!(
        reason.starts_with("the answer equals option A, B expected"),
        "{reason}"
    );
    assert_eq!(
        combine_fallback(&gold, &[None, yes.clone(), None]).map(|r| r.0),
        Some(Status::Correct)
    );
    assert_eq!(
        combine_fallback(&gold, &[None, no.clone(), None]).map(|r| r.0),
        Some(Status::Incorrect)
    );
    assert_eq!(combine_fallback(&gold, &[None, None, None]), None);
}

#[test]
fn a_stated_letter_is_judged_without_comparing_values() {
    let gold = Gold::Choice {
        choices: s(&["16 m", "32\\%", "\\sqrt{2}"]),
        correct: vec![1],
    };
    let calls = std::cell::Cell::new(0);
    let against = |g: &str| {
        calls.set(calls.get() + 1);
        crate::grade::verify(g, "(B)", &Options::default())
    };
    let v = judge(&gold, Some("(B)".into()), against);
    assert_eq!((v.status, calls.get()), (Status::Correct, 0));
    let v = judge(&gold, Some("(C)".into()), against);
    assert_eq!((v.status, calls.get()), (Status::Incorrect, 0));
    // Unknown answer text: the options' verdicts report it, as before.
    let v = judge(&gold, None, against);
    assert_eq!(
        (v.status, v.extracted.as_deref()),
        (Status::Correct, Some("(B)"))
    );
    assert!(calls.get() > 0);
    // A value is still compared with the options.
    calls.set(0);
    let by_value = |g: &str| {
        calls.set(calls.get() + 1);
        crate::grade::verify(g, "32\\%", &Options::default())
    };
    let v = judge(&gold, Some("32\\%".into()), by_value);
    assert_eq!(v.status, Status::Correct);
    assert!(calls.get() >= 2);
}
