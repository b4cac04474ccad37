//! `copylab cam`: the emulated CAM device seen from outside: its block diagram, and how its
//! hit rate, spills and cycles change with capacity on real memo traffic.

use cam_device::{CamConfig, SweepPoint, render_sweep, sweep};
use copylab_bench::BenchFiles;
use copylab_bench::plot::{LinePlot, Series, YUnit};

use crate::render::{cam_diagram, svg_plot};
use copylab_vm::{HostConfig, MemoBackend};

use super::bench::chosen_workloads;
use crate::cli::{CamAction, CamArgs, CamSweepArgs};
use crate::error::CliError;
use crate::output::Output;

pub(crate) fn cam(args: CamArgs) -> Result<u8, CliError> {
    match args.action {
        CamAction::Diagram { format, output } => {
            let text = cam_diagram::render(format);
            match output {
                Some(path) => {
                    Output::check(&path)?.write(&text)?;
                }
                None => super::print_text(&text),
            }
            Ok(0)
        }
        CamAction::Sweep(sweep_args) => run_sweep(sweep_args),
    }
}

fn run_sweep(args: CamSweepArgs) -> Result<u8, CliError> {
    let svg = Output::check(&args.svg)?;
    let base = CamConfig::default();
    // Every capacity must be a valid device before minutes of recording.
    for &entries in &args.entries {
        CamConfig { entries, ..base.clone() }
            .validate()
            .map_err(|err| CliError::Usage(format!("--entries {entries}: {err}")))?;
    }
    let files = BenchFiles::materialize()?;
    let workloads = chosen_workloads(&files, &args.workloads)?;
    let mut config = HostConfig::new(args.copy.copy_source()?);
    config.memo = MemoBackend::Cam(base.clone());
    let repeat = args.repeat as usize;
    let jobs: Vec<_> = workloads.iter().map(|w| (w.name.clone(), w.file.clone())).collect();
    let traces = super::with_host(config, move |host| {
        let mut traces = Vec::new();
        for (name, file) in jobs {
            traces.push((name.clone(), host.record_cam_trace(&file, &name, repeat)?));
        }
        Ok(traces)
    })?;

    let mut plot = LinePlot {
        title: "CAM memo: lookups resolved by the CAM alone".into(),
        x_label: "CAM entries".into(),
        y_label: "resolved without software".into(),
        y_unit: YUnit::Percent,
        x_categories: None,
        series: Vec::new(),
    };
    let mut text = String::new();
    for (name, trace) in &traces {
        let points: Vec<SweepPoint> =
            sweep(trace, &base, &args.entries).map_err(|err| CliError::Usage(err.to_string()))?;
        text.push_str(&format!("{name} ({} memo operations recorded over {repeat} calls)\n", trace.len()));
        text.push_str(&render_sweep(&points));
        text.push('\n');
        plot.series.push(Series {
            name: name.clone(),
            points: points.iter().map(|p| (p.entries as f64, p.stats.cam_resolved_rate() * 100.0)).collect(),
        });
    }
    super::print_text(&text);
    svg.write(&svg_plot::render(&plot))?;
    eprintln!("wrote {}", args.svg.display());
    Ok(0)
}
