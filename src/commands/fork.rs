//! `copylab fork`: list the VM patch sets, apply them to the pristine rustpython-vm (apply-only,
//! no compiler run), or build a fork binary for `copylab bench --vm fork:NAME`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::error::CliError;
use crate::fork::{self, ForkName, list_patch_sets};

#[derive(Debug, Args)]
pub(crate) struct ForkArgs {
    #[command(subcommand)]
    pub(crate) action: ForkAction,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ForkAction {
    /// List the patch sets (directories of vm-patches/patches/)
    #[command(after_help = "Examples:\n  copylab fork list")]
    List(PatchesDir),
    /// Copy the pristine rustpython-vm and apply a fork's patches, without building
    #[command(
        after_help = "Examples:\n  copylab fork apply alloc\n  copylab fork apply alloc+defaults --out /tmp/forks"
    )]
    Apply {
        /// Patch sets joined by '+', e.g. alloc+defaults
        #[arg(value_name = "NAME")]
        name: String,
        #[command(flatten)]
        patches: PatchesDir,
        /// Where forks go (default: target/fork of the source tree)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Build fork binaries (minutes each) into target/fork/NAME/copylab
    #[command(after_help = "A fork whose stamp matches the tree is left as it is (say --force to build it again).\n\n\
        Examples:\n  copylab fork build alloc\n  copylab fork build alloc threading alloc+defaults\n  \
        copylab bench --fast --vm stock,fork:alloc")]
    Build {
        /// Forks to build: patch sets joined by '+'
        #[arg(value_name = "NAME", required = true)]
        names: Vec<String>,
        #[command(flatten)]
        patches: PatchesDir,
        /// Build even a fork whose stamp matches the tree
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
pub(crate) struct PatchesDir {
    /// Directory of patch sets (default: vm-patches/patches of the source tree)
    #[arg(long, value_name = "DIR")]
    pub(crate) patches_dir: Option<PathBuf>,
}

impl PatchesDir {
    fn get(&self) -> PathBuf {
        self.patches_dir.clone().unwrap_or_else(fork::default_patches_dir)
    }
}

pub(crate) fn fork(args: ForkArgs) -> Result<u8, CliError> {
    let source_dir = fork::source_dir();
    match args.action {
        ForkAction::List(patches) => {
            let mut text = String::new();
            for set in list_patch_sets(&patches.get())? {
                let patches: Vec<String> = set
                    .patches
                    .iter()
                    .filter_map(|p| p.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .collect();
                let features = if set.features.is_empty() {
                    String::new()
                } else {
                    format!("  features: {}", set.features.join(","))
                };
                text.push_str(&format!(
                    "{:<10} patches: {}{features}\n",
                    set.name,
                    if patches.is_empty() { "none".to_string() } else { patches.join(" ") }
                ));
            }
            super::print_text(&text);
        }
        ForkAction::Apply { name, patches, out } => {
            let name = ForkName::parse(&name)?;
            let fork_root = out.unwrap_or_else(fork::fork_root);
            let applied = fork::apply(&source_dir, &patches.get(), &fork_root, &name)?;
            let mut text = String::new();
            for patch in &applied.patches {
                text.push_str(&format!("applied {}\n", patch.display()));
            }
            match &applied.crate_dir {
                Some(dir) => text.push_str(&format!("patched crate: {}\n", dir.display())),
                None => text.push_str("no source patches (a build-flag fork)\n"),
            }
            if !applied.features.is_empty() {
                text.push_str(&format!("features: {}\n", applied.features.join(",")));
            }
            super::print_text(&text);
        }
        ForkAction::Build { names, patches, force } => {
            let names: Vec<ForkName> = names.iter().map(|name| ForkName::parse(name)).collect::<Result<_, _>>()?;
            for name in &names {
                let fork_root = fork::fork_root();
                if !force && fork::up_to_date(&source_dir, &patches.get(), &fork_root, name) {
                    super::print_text(&format!(
                        "fork:{} is up to date (its stamp matches the tree): {}\n",
                        name.as_string(),
                        name.binary(&fork_root).display()
                    ));
                    continue;
                }
                eprintln!("copylab: building fork {} (minutes on a small machine)", name.as_string());
                let built = fork::build(&source_dir, &patches.get(), &fork_root, name)?;
                let features = if built.features.is_empty() { "none".to_string() } else { built.features.join(",") };
                super::print_text(&format!(
                    "built fork:{} ({} patches, features: {features}) in {:.0} s: {}\n",
                    name.as_string(),
                    built.patches.len(),
                    built.elapsed.as_secs_f64(),
                    built.binary.display()
                ));
            }
        }
    }
    Ok(0)
}
