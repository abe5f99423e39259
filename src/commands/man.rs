//! `shnor man`: the manual page (roff, clap_mangen) generated from the command line's definition.
use anyhow::Result;
use std::path::PathBuf;

/// Print the man page shnor(1) to standard output (`shnor man | man -l -`), or with `--out DIR`
/// write shnor.1 and one page per subcommand (shnor-select.1, …) into DIR.
#[derive(clap::Args)]
pub struct Args {
    /// Folder to write shnor.1 and shnor-SUBCOMMAND.1 into (created when it does not exist).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

fn render(cmd: clap::Command) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut buf)?;
    Ok(buf)
}

/// Render the pages of `cmd` (the whole `shnor` command line); `--out` is created when it does
/// not exist. Errors: usage (exit 2) when `--out` is a file or a link to nothing; internal (exit 3) when the folder
/// cannot be created or a page cannot be written.
pub fn run(a: &Args, mut cmd: clap::Command) -> Result<()> {
    let Some(dir) = &a.out else {
        return crate::output::emit(&String::from_utf8(render(cmd)?)?, None);
    };
    if dir.exists() && !dir.is_dir() {
        return Err(crate::error::usage(format!(
            "--out {}: this is a file, not a folder",
            dir.display()
        )));
    }
    if !dir.exists() && std::fs::symlink_metadata(dir).is_ok() {
        return Err(crate::error::usage(format!(
            "--out {}: a symbolic link to a folder that does not exist; create it or give another path",
            dir.display()
        )));
    }
    // created like `report --out`, with its parents
    std::fs::create_dir_all(dir).map_err(|e| {
        crate::error::internal(format!("--out {}: cannot create ({e})", dir.display()))
    })?;
    cmd.build();
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("shnor-{}", sub.get_name());
        let page = render(sub.clone().display_name(name.clone()))?;
        crate::output::write_atomic(&dir.join(format!("{name}.1")), &page)?;
    }
    crate::output::write_atomic(&dir.join("shnor.1"), &render(cmd)?)
}
