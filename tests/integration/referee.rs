//! What makes a fake platform strict: every problem it notes (a request outside the platform's
//! published spec, a call it does not know, an answer of its own outside the spec, a message that
//! could ping someone) fails the test when the fake is dropped, unless the test allowed that
//! problem by name first. An allowance that nothing matched fails too: it would hide nothing but
//! a test that no longer does what it says.

use std::sync::Mutex;

/// Reads the problems a fake has noted so far.
type Problems = Box<dyn Fn() -> Vec<String> + Send + Sync>;

pub struct Referee {
    platform: &'static str,
    problems: Problems,
    allowed: Mutex<Vec<String>>,
}

impl Referee {
    pub fn new(
        platform: &'static str,
        problems: impl Fn() -> Vec<String> + Send + Sync + 'static,
    ) -> Referee {
        Referee {
            platform,
            problems: Box::new(problems),
            allowed: Mutex::default(),
        }
    }

    /// Problems whose text contains `what` do not fail the test: name the call and the rule
    /// (e.g. `"unexpected call: DELETE /channels/"`). The test must then see at least one.
    pub fn allow(&self, what: &str) {
        self.allowed.lock().unwrap().push(what.to_string());
    }

    /// Problems noted so far that no allowance covers.
    pub fn unexplained(&self) -> Vec<String> {
        let allowed = self.allowed.lock().unwrap();
        (self.problems)()
            .into_iter()
            .filter(|p| !allowed.iter().any(|a| p.contains(a.as_str())))
            .collect()
    }

    /// Fails the test now if anything unexplained was seen.
    pub fn assert_clean(&self) {
        let unexplained = self.unexplained();
        assert!(
            unexplained.is_empty(),
            "the fake {} saw what the platform would not accept or what no test expected:\n  {}",
            self.platform,
            unexplained.join("\n  ")
        );
    }

    /// Allowances that matched nothing.
    fn unused_allowances(&self) -> Vec<String> {
        let problems = (self.problems)();
        self.allowed
            .lock()
            .unwrap()
            .iter()
            .filter(|a| !problems.iter().any(|p| p.contains(a.as_str())))
            .cloned()
            .collect()
    }
}

impl Drop for Referee {
    fn drop(&mut self) {
        // A test that already failed says why; a second panic would abort the run.
        if std::thread::panicking() {
            return;
        }
        self.assert_clean();
        let unused = self.unused_allowances();
        assert!(
            unused.is_empty(),
            "the test allowed problems the fake {} never saw: {unused:?}",
            self.platform
        );
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::Referee;

    fn referee(problems: &[&str]) -> Referee {
        let seen: Arc<Vec<String>> = Arc::new(problems.iter().map(|p| p.to_string()).collect());
        Referee::new("Test", move || seen.as_ref().clone())
    }

    fn verdict(referee: Referee) -> Option<String> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(referee)))
            .err()
            .map(|p| p.downcast_ref::<String>().cloned().unwrap_or_default())
    }

    #[test]
    fn a_problem_fails_the_test_when_the_fake_is_dropped() {
        let failed = verdict(referee(&["unexpected call: DELETE /channels/1"]));
        assert!(
            failed.is_some_and(|m| m.contains("unexpected call: DELETE /channels/1")),
            "the drop must fail the test and say why"
        );
        assert_eq!(verdict(referee(&[])), None, "a clean fake passes");
    }

    #[test]
    fn a_test_may_allow_a_problem_by_name_but_only_one_it_sees() {
        let r = referee(&["chat.postMessage: parameter `x` is not in the spec"]);
        r.allow("parameter `x`");
        assert_eq!(verdict(r), None);
        let r = referee(&[]);
        r.allow("parameter `x`");
        let failed = verdict(r).unwrap_or_default();
        assert!(failed.contains("never saw"), "{failed}");
    }
}
