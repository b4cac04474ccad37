use crate::cli::{VariantsAction, VariantsArgs};
use crate::error::CliError;

pub(crate) fn variants(args: VariantsArgs) -> Result<u8, CliError> {
    let text = match args.action {
        None => {
            let width = copylab_stdlib_copy::variants().iter().map(|v| v.name.len()).max().unwrap_or(0);
            copylab_stdlib_copy::variants().iter().map(|v| format!("{:width$}  {}\n", v.name, v.summary)).collect()
        }
        Some(VariantsAction::Show { name }) => name.source.to_owned(),
        Some(VariantsAction::Diff { name }) => match name.patch {
            Some(patch) => patch.to_owned(),
            None => String::new(),
        },
    };
    super::print_text(&text);
    Ok(0)
}
