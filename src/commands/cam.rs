//! `copylab cam`: the emulated CAM device seen from outside: its block diagram, and how its
//! hit rate, spills and cycles change with capacity on real memo traffic.

use cam_device::{CamConfig, SweepPoint, render_sweep, sweep};
use copylab_bench::BenchFiles;
use copylab_bench::plot::{LinePlot, Series, YUnit};

use crate::render::cam_slides::{self, Presentation, ShareRow};
use crate::render::{cam_diagram, svg_plot};
use copylab_vm::{HostConfig, MemoBackend};

use super::bench::chosen_workloads;
use crate::cli::{CamAction, CamArgs, CamPresentArgs, CamShareArgs, CamSweepArgs, WorkloadArgs};
use crate::error::CliError;
use crate::output::Output;
use copylab_stdlib_copy::Variant;

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
        CamAction::Share(share_args) => run_share(share_args),
        CamAction::Present(present_args) => run_present(present_args),
    }
}

/// One row of `cam share`: a trio workload alone, or a whole other suite (its workloads'
/// memo and deepcopy times added up).
struct ShareGroup {
    label: String,
    workloads: Vec<(String, std::path::PathBuf)>,
}

fn share_groups(workloads: &[copylab_bench::Workload]) -> Vec<ShareGroup> {
    let mut groups: Vec<ShareGroup> = Vec::new();
    for workload in workloads {
        let job = (workload.name.clone(), workload.file.clone());
        if workload.suite == "trio" {
            groups.push(ShareGroup { label: workload.name.clone(), workloads: vec![job] });
        } else if let Some(group) = groups.iter_mut().find(|g| g.label == workload.suite) {
            group.workloads.push(job);
        } else {
            groups.push(ShareGroup { label: workload.suite.clone(), workloads: vec![job] });
        }
    }
    groups
}

/// The memo share `s` of deepcopy time under each variant, with the cost model's `k` and
/// whole-program ceiling `1 / ((1 - s) + s / k)`: the CAM argument made on the interpreter
/// state where it matters (a native deepcopy leaves the memo a larger share).
fn run_share(args: CamShareArgs) -> Result<u8, CliError> {
    let config = CamConfig::default();
    let repeat = args.repeat as usize;
    let rows = measure_shares(&args.variants, args.names, repeat, &config)?;
    let mut header = vec!["workloads".to_string()];
    for variant in &args.variants {
        header.extend([format!("{} s", variant.name), "k".to_string(), "ceiling".to_string()]);
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let mut cells = vec![row.label.clone()];
            for cost in &row.costs {
                cells.extend([
                    format!("{:.1}%", cost.memo_share * 100.0),
                    format!("{:.2}x", cost.memo_op_speedup),
                    format!("{:.3}x", cost.amdahl_speedup),
                ]);
            }
            cells
        })
        .collect();
    let mut text = format!(
        "Memo share s of outermost deepcopy time (CAM memo, {} entries, {repeat} calls per workload),\n\
         the cost model's memo-operation speedup k, and the whole-program ceiling 1/((1-s)+s/k)\n",
        config.entries
    );
    text.push_str(&render_columns(&header, &table));
    super::print_text(&text);
    Ok(0)
}

/// For each share group of the workloads `names`, the cost report of each variant: the
/// numbers behind `cam share` and the presentation's share and Amdahl slides.
fn measure_shares(
    variants: &[&'static Variant],
    names: Vec<String>,
    repeat: usize,
    config: &CamConfig,
) -> Result<Vec<ShareRow>, CliError> {
    let files = BenchFiles::materialize()?;
    let workloads = chosen_workloads(&files, &WorkloadArgs { names, workload_file: None })?;
    let mut rows = Vec::new();
    for group in &share_groups(&workloads) {
        let mut costs = Vec::new();
        for variant in variants {
            // A fresh interpreter per cell, so each share counts only this group's calls.
            let mut host_config = HostConfig::new(copylab_stdlib_copy::CopySource::variant(variant));
            host_config.memo = MemoBackend::Cam(config.clone());
            let jobs = group.workloads.clone();
            let report = super::with_host(host_config, move |host| measure_share(&host, &jobs, repeat))?;
            costs.push(report.cost().map_err(|err| CliError::Usage(err.to_string()))?);
        }
        rows.push(ShareRow { label: group.label.clone(), costs });
    }
    Ok(rows)
}

/// Runs `jobs` and returns the device report of their calls alone: memo and deepcopy time
/// made while a workload file was imported are left out.
fn measure_share(
    host: &copylab_vm::Host,
    jobs: &[(String, std::path::PathBuf)],
    repeat: usize,
) -> Result<copylab_vm::cam_memo::CamReport, CliError> {
    let (mut memo_time, mut deepcopy_time) = (std::time::Duration::ZERO, std::time::Duration::ZERO);
    let mut last = None;
    for (name, file) in jobs {
        if let Some(report) = host.cam_report_of_calls(file, name, repeat)? {
            memo_time += report.memo_time;
            deepcopy_time += report.deepcopy_time;
            last = Some(report);
        }
    }
    let mut report =
        last.ok_or_else(|| CliError::Usage("no CAM device ran: the workloads made no deepcopy call".into()))?;
    report.memo_time = memo_time;
    report.deepcopy_time = deepcopy_time;
    Ok(report)
}

/// Left-aligned first column, right-aligned numbers, two spaces apart.
fn render_columns(header: &[String], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|c| rows.iter().map(|r| r[c].len()).chain([header[c].len()]).max().unwrap_or(0))
        .collect();
    let line = |cells: &[String]| {
        let mut text = String::from("  ");
        for (c, cell) in cells.iter().enumerate() {
            if c == 0 {
                text.push_str(&format!("{cell:<width$}", width = widths[c]));
            } else {
                text.push_str(&format!("  {cell:>width$}", width = widths[c]));
            }
        }
        text.push('\n');
        text
    };
    std::iter::once(line(header)).chain(rows.iter().map(|r| line(r))).collect()
}

fn run_sweep(args: CamSweepArgs) -> Result<u8, CliError> {
    let svg = Output::check(&args.svg)?;
    let (text, plot) = capacity_sweep(&args.workloads, args.copy.copy_source()?, &args.entries, args.repeat as usize)?;
    super::print_text(&text);
    svg.write(&svg_plot::render(&plot))?;
    eprintln!("wrote {}", args.svg.display());
    Ok(0)
}

/// Records the memo traffic of `workloads` once under `source`, replays it at each capacity
/// in `entries`, and returns the sweep as text and as a plot of CAM-resolved lookups.
fn capacity_sweep(
    workloads: &WorkloadArgs,
    source: copylab_stdlib_copy::CopySource,
    entries: &[usize],
    repeat: usize,
) -> Result<(String, LinePlot), CliError> {
    let base = CamConfig::default();
    // Every capacity must be a valid device before minutes of recording.
    for &entries in entries {
        CamConfig { entries, ..base.clone() }
            .validate()
            .map_err(|err| CliError::Usage(format!("--entries {entries}: {err}")))?;
    }
    let files = BenchFiles::materialize()?;
    let workloads = chosen_workloads(&files, workloads)?;
    let mut config = HostConfig::new(source);
    config.memo = MemoBackend::Cam(base.clone());
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
        markers: Vec::new(),
    };
    let mut text = String::new();
    for (name, trace) in &traces {
        let points: Vec<SweepPoint> = sweep(trace, &base, entries).map_err(|err| CliError::Usage(err.to_string()))?;
        text.push_str(&format!("{name} ({} memo operations recorded over {repeat} calls)\n", trace.len()));
        text.push_str(&render_sweep(&points));
        text.push('\n');
        plot.series.push(Series {
            name: name.clone(),
            points: points.iter().map(|p| (p.entries as f64, p.stats.cam_resolved_rate() * 100.0)).collect(),
            band: Vec::new(),
        });
    }
    Ok((text, plot))
}

/// `cam present`: the CAM argument as slides, every number measured now: memo shares and
/// ceilings for each variant, and a capacity sweep on the baseline's memo traffic.
fn run_present(args: CamPresentArgs) -> Result<u8, CliError> {
    let output = Output::check(&args.html)?;
    let config = CamConfig::default();
    let repeat = args.repeat as usize;
    let shares = measure_shares(&args.variants, args.names.clone(), repeat, &config)?;
    let workloads = WorkloadArgs { names: args.names.clone(), workload_file: None };
    let sweep_variant = copylab_stdlib_copy::baseline();
    let (_, sweep_plot) =
        capacity_sweep(&workloads, copylab_stdlib_copy::CopySource::variant(sweep_variant), &args.entries, repeat)?;
    let presentation = Presentation {
        config,
        variants: args.variants.iter().map(|v| v.name.to_string()).collect(),
        shares,
        sweep: sweep_plot,
        sweep_variant: sweep_variant.name.to_string(),
        repeat,
    };
    output.write(&cam_slides::render(&presentation))?;
    eprintln!("wrote {}", args.html.display());
    Ok(0)
}
