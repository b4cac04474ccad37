//! Differential test: 1,000 generated object graphs deep-copied under the baseline and under
//! each variant (and memo backend) must give isomorphic copies (tests/py/differential.py
//! prints one canonical signature per graph).

use crate::common::{copylab, stderr_of, stdout_of};

const GRAPHS: &str = "1000";
const SEED: &str = "20261126";

fn signatures(args: &[&str]) -> Vec<String> {
    signatures_on(copylab(), args)
}

/// The signatures as `copylab` (this binary, or a fork's: tests/fork.rs) prints them.
pub(crate) fn signatures_on(mut copylab: assert_cmd::Command, args: &[&str]) -> Vec<String> {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/differential.py");
    let out = copylab
        .arg("run")
        .args(args)
        .arg(&script)
        .args(["--count", GRAPHS, "--seed", SEED, "--check-memo"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
    stdout_of(&out).lines().map(str::to_owned).collect()
}

fn assert_isomorphic(args: &[&str], baseline: &[String]) {
    let variant = signatures(args);
    assert_eq!(variant.len(), baseline.len(), "{args:?} printed a different number of graphs");
    let mismatches: Vec<_> = baseline.iter().zip(&variant).filter(|(a, b)| a != b).collect();
    if let Some((expected, got)) = mismatches.first() {
        let seed = expected.split_whitespace().next().unwrap_or("?");
        panic!(
            "{} of {GRAPHS} graphs differ under {args:?}; first at seed {seed}.\n\
             baseline: {expected}\n\
             variant:  {got}\n\
             replay: copylab run {} tests/py/differential.py --count 1 --seed {seed} --check-memo",
            mismatches.len(),
            args.join(" "),
        );
    }
}

#[test]
fn every_variant_copies_like_the_baseline() {
    let baseline = signatures(&["--variant", "baseline"]);
    assert_eq!(baseline.len(), 1000);
    for variant in &copylab_stdlib_copy::variants()[1..] {
        assert_isomorphic(&["--variant", variant.name], &baseline);
    }
}

#[test]
fn the_cam_memo_copies_like_a_dict_memo() {
    let baseline = signatures(&["--variant", "baseline"]);
    for variant in copylab_stdlib_copy::variants() {
        assert_isomorphic(&["--variant", variant.name, "--memo", "cam", "--cam-entries", "4"], &baseline);
    }
}
