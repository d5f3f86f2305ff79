//! What a verdicts file leaves behind: committed, failed, stopped, resumed.

use super::*;

fn tempdir(tag: &str) -> PathBuf {
    crate::test_support::tempdir("vfile", tag)
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_run_writes_the_partial_file_and_renames_it_on_success() {
    let dir = tempdir("commit");
    let target = dir.join("v.jsonl");
    std::fs::write(&target, "previous\n").unwrap();
    let mut f = VerdictFile::create(&target, false).unwrap();
    f.write_all(b"{\"line\":1}\n").unwrap();
    f.flush().unwrap();
    assert_eq!(names(&dir), ["v.jsonl", "v.jsonl.partial"]);
    assert_eq!(
        std::fs::read(dir.join("v.jsonl.partial")).unwrap(),
        b"{\"line\":1}\n"
    );
    f.commit().unwrap();
    assert_eq!(names(&dir), ["v.jsonl"]);
    assert_eq!(std::fs::read(&target).unwrap(), b"{\"line\":1}\n");
}

#[test]
fn a_failed_run_removes_its_partial_file_and_a_stopped_one_keeps_it() {
    let dir = tempdir("abandon");
    let target = dir.join("v.jsonl");
    let mut f = VerdictFile::create(&target, false).unwrap();
    f.write_all(b"x\n").unwrap();
    f.abandon(false);
    assert!(names(&dir).is_empty());
    let mut f = VerdictFile::create(&target, false).unwrap();
    f.write_all(b"x\n").unwrap();
    f.abandon(true);
    assert_eq!(names(&dir), ["v.jsonl.partial"]);
    // A plain run starts over, whatever a partial file holds.
    let f = VerdictFile::create(&target, false).unwrap();
    assert_eq!(std::fs::read(dir.join("v.jsonl.partial")).unwrap(), b"");
    f.commit().unwrap();
    assert_eq!(names(&dir), ["v.jsonl"]);
}

#[test]
fn resuming_appends_and_a_failed_resume_keeps_or_restores_the_file() {
    let dir = tempdir("resume");
    let target = dir.join("v.jsonl");
    std::fs::write(dir.join("v.jsonl.partial"), "a\n").unwrap();
    let mut f = VerdictFile::create(&target, true).unwrap();
    assert!(f.take_log().is_some());
    f.write_all(b"b\n").unwrap();
    f.abandon(false);
    // A resumed partial file stays for the next attempt.
    assert_eq!(names(&dir), ["v.jsonl.partial"]);
    assert_eq!(
        std::fs::read(dir.join("v.jsonl.partial")).unwrap(),
        b"a\nb\n"
    );
    std::fs::rename(dir.join("v.jsonl.partial"), &target).unwrap();
    // A finished file resumed and left unchanged goes back to its name.
    let f = VerdictFile::create(&target, true).unwrap();
    assert_eq!(names(&dir), ["v.jsonl.partial"]);
    f.abandon(false);
    assert_eq!(names(&dir), ["v.jsonl"]);
    // Changed, it stays partial: it no longer is the finished output.
    let mut f = VerdictFile::create(&target, true).unwrap();
    f.write_all(b"c\n").unwrap();
    f.abandon(false);
    assert_eq!(names(&dir), ["v.jsonl.partial"]);
}

#[test]
fn a_device_is_written_in_place_and_cannot_be_resumed() {
    let null = Path::new("/dev/null");
    if !null.exists() {
        return;
    }
    let mut f = VerdictFile::create(null, false).unwrap();
    f.write_all(b"x\n").unwrap();
    f.commit().unwrap();
    assert!(!std::fs::metadata(null).unwrap().is_file());
    assert!(VerdictFile::create(null, true).is_err());
}
