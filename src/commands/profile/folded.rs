//! `profile --folded FILE`: a run's collapsed stacks (`outer;inner;leaf NANOS`, the input of
//! any flame graph tool) with a first line naming the bench arm they belong to, so that
//! `copylab report` can put each arm's flame graph beside its numbers. `bench --profile DIR`
//! writes one such file per RustPython arm.

use std::path::Path;

use crate::error::CliError;

/// The first line of a copylab profile, before the arm's label. A `#` line is a comment to
/// flame graph tools that read collapsed stacks, so the file stays their input too.
const HEADER: &str = "# copylab profile of arm: ";

/// One arm's collapsed stacks.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ArmProfile {
    /// The arm's label as `bench` prints it (`fastpath`, `baseline@fork:fast`).
    pub(crate) arm: String,
    pub(crate) folded: Vec<String>,
}

impl ArmProfile {
    pub(crate) fn to_text(&self) -> String {
        let mut text = format!("{HEADER}{}\n", self.arm);
        for line in &self.folded {
            text.push_str(line);
            text.push('\n');
        }
        text
    }

    /// The profile in `path`, or `None` when the file is not one (a results file, say, or
    /// one that cannot be read: the caller reads it as such and reports that).
    pub(crate) fn sniff(path: &Path) -> Result<Option<ArmProfile>, CliError> {
        let Ok(text) = std::fs::read_to_string(path) else {
            return Ok(None);
        };
        ArmProfile::parse(&text).map_err(|reason| CliError::Usage(format!("{}: {reason}", path.display())))
    }

    fn parse(text: &str) -> Result<Option<ArmProfile>, String> {
        let mut lines = text.lines();
        let Some(arm) = lines.next().and_then(|first| first.strip_prefix(HEADER)) else {
            return Ok(None);
        };
        let mut folded = Vec::new();
        for (index, line) in lines.enumerate() {
            let counted =
                line.rsplit_once(' ').is_some_and(|(stack, count)| !stack.is_empty() && count.parse::<u64>().is_ok());
            if !counted {
                return Err(format!(
                    "line {} is not a collapsed stack (`outer;inner;leaf COUNT`): {line:?}",
                    index + 2
                ));
            }
            folded.push(line.to_string());
        }
        if folded.is_empty() {
            return Err(format!("the profile of arm {arm} holds no stacks"));
        }
        Ok(Some(ArmProfile { arm: arm.trim().to_string(), folded }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_reads_back_and_other_text_is_not_one() {
        let profile =
            ArmProfile { arm: "fastpath,_FASTPATH_MAX=5".into(), folded: vec!["<module>;deepcopy 120".into()] };
        assert_eq!(ArmProfile::parse(&profile.to_text()), Ok(Some(profile)));
        assert_eq!(ArmProfile::parse("{\"benchmarks\": []}"), Ok(None));
        let err = ArmProfile::parse(&format!("{HEADER}x\n<module>;deepcopy lots\n")).unwrap_err();
        assert!(err.contains("line 2 is not a collapsed stack"), "{err}");
        assert!(ArmProfile::parse(&format!("{HEADER}x\n")).unwrap_err().contains("no stacks"));
    }
}
