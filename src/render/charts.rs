//! Outcome charts drawn at build time: the numbers for SVG the templates draw.
//!
//! A star (radar) chart sets the latest reading against the one before it, and a
//! small line chart per area shows it over time. Only coordinates are computed
//! here; the markup is in the theme's templates.

use crate::config::{Config, OutcomeScale};
use crate::model::date::{display_date, Date};
use crate::model::OutcomeReading;
use serde::Serialize;

/// A point with a label, in the chart's own units.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    /// Across.
    pub x: f64,
    /// Down.
    pub y: f64,
    /// What it shows, for a tooltip or label.
    pub label: String,
}

/// One spoke of the star chart.
#[derive(Debug, Clone, Serialize)]
pub struct Axis {
    /// Where the spoke ends, across.
    pub x: f64,
    /// Where the spoke ends, down.
    pub y: f64,
    /// Where its label goes, across.
    pub lx: f64,
    /// Where its label goes, down.
    pub ly: f64,
    /// `start`, `middle` or `end`: which way the label runs from its point.
    pub anchor: &'static str,
    /// The area's name.
    pub label: String,
}

/// The star chart of the latest reading and the one before it.
#[derive(Debug, Clone, Serialize)]
pub struct Radar {
    /// Width of the drawing.
    pub width: f64,
    /// Height of the drawing.
    pub height: f64,
    /// The spokes.
    pub axes: Vec<Axis>,
    /// Grid rings as SVG `points` lists, innermost first.
    pub rings: Vec<String>,
    /// The latest reading as SVG `points`.
    pub latest: String,
    /// Its corners.
    pub latest_dots: Vec<Point>,
    /// When it was taken.
    pub latest_date: String,
    /// The reading before, as SVG `points`.
    pub previous: Option<String>,
    /// When it was taken.
    pub previous_date: Option<String>,
    /// Centre, across.
    pub cx: f64,
    /// Centre, down.
    pub cy: f64,
    /// What the chart shows, in words, for screen readers.
    pub description: String,
}

/// One area's scores over time.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    /// The area's name.
    pub area: String,
    /// Width of the drawing.
    pub width: f64,
    /// Height of the drawing.
    pub height: f64,
    /// The line as SVG `points`.
    pub points: String,
    /// Each reading.
    pub dots: Vec<Point>,
    /// Left edge of the plot.
    pub left: f64,
    /// Right edge of the plot.
    pub right: f64,
    /// Top of the plot (the scale's maximum).
    pub top: f64,
    /// Bottom of the plot (the scale's minimum).
    pub bottom: f64,
    /// The scale's minimum, as text.
    pub min: String,
    /// The scale's maximum, as text.
    pub max: String,
    /// First date, as people read it.
    pub first: String,
    /// Last date, as people read it.
    pub last: String,
    /// What the chart shows, in words.
    pub description: String,
}

/// A person's outcome charts, on the scale of their latest reading.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeCharts {
    /// The scale's name.
    pub scale: String,
    /// Latest against previous; absent with fewer than three areas.
    pub radar: Option<Radar>,
    /// Each area over time.
    pub lines: Vec<Line>,
}

/// Charts for a person's readings (oldest first), or `None` if there is nothing to draw.
pub fn outcome_charts(readings: &[OutcomeReading], config: &Config) -> Option<OutcomeCharts> {
    let latest = readings.last()?;
    let scale = config.scale(&latest.scale.value)?;
    if scale.max <= scale.min || scale.areas.is_empty() {
        return None;
    }
    let on_scale: Vec<&OutcomeReading> = readings.iter().filter(|r| r.scale.value == scale.id).collect();
    let previous = on_scale.len().checked_sub(2).and_then(|i| on_scale.get(i)).copied();
    let radar = (scale.areas.len() >= 3).then(|| radar(scale, latest, previous));
    let lines = scale.areas.iter().filter_map(|area| line(scale, area, &on_scale)).collect();
    Some(OutcomeCharts { scale: scale.name.clone(), radar, lines })
}

/// A value as a fraction of the range from `min` to `max`, clamped to 0..=1.
fn fraction(min: f64, max: f64, v: f64) -> f64 {
    if v.is_finite() && max > min {
        ((v - min) / (max - min)).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn points(ps: &[(f64, f64)]) -> String {
    ps.iter().map(|(x, y)| format!("{},{}", round(*x), round(*y))).collect::<Vec<_>>().join(" ")
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

fn radar(scale: &OutcomeScale, latest: &OutcomeReading, previous: Option<&OutcomeReading>) -> Radar {
    let (width, height, cx, cy, r) = (640.0, 340.0, 320.0, 170.0, 120.0);
    let n = scale.areas.len();
    let angle = |i: usize| -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n as f64;
    let at = |i: usize, f: f64| (cx + r * f * angle(i).cos(), cy + r * f * angle(i).sin());
    let axes = scale
        .areas
        .iter()
        .enumerate()
        .map(|(i, area)| {
            let (x, y) = at(i, 1.0);
            let (lx, ly) = at(i, 1.12);
            let cos = angle(i).cos();
            let anchor = if cos > 0.3 {
                "start"
            } else if cos < -0.3 {
                "end"
            } else {
                "middle"
            };
            Axis {
                x: round(x),
                y: round(y),
                lx: round(lx),
                ly: round(ly + 4.0),
                anchor,
                label: super::views::label(area),
            }
        })
        .collect();
    let rings = [0.25, 0.5, 0.75, 1.0].iter().map(|f| points(&(0..n).map(|i| at(i, *f)).collect::<Vec<_>>())).collect();
    let shape = |reading: &OutcomeReading| -> Vec<(f64, f64)> {
        scale
            .areas
            .iter()
            .enumerate()
            .map(|(i, a)| at(i, reading.scores.get(a).map(|s| fraction(scale.min, scale.max, s.value)).unwrap_or(0.0)))
            .collect()
    };
    let latest_shape = shape(latest);
    let latest_dots = latest_shape
        .iter()
        .zip(&scale.areas)
        .map(|((x, y), a)| Point {
            x: round(*x),
            y: round(*y),
            label: format!(
                "{}: {}",
                super::views::label(a),
                latest.scores.get(a).map(|s| number(s.value)).unwrap_or_else(|| "not scored".into())
            ),
        })
        .collect();
    let summary = |reading: &OutcomeReading| {
        scale
            .areas
            .iter()
            .map(|a| {
                let score = reading.scores.get(a).map(|s| number(s.value)).unwrap_or_else(|| "not scored".into());
                format!("{} {score}", super::views::label(a))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut description = format!(
        "Star chart of {} from {} to {}. Latest, {}: {}.",
        scale.name,
        number(scale.min),
        number(scale.max),
        display_date(latest.date.value),
        summary(latest)
    );
    if let Some(p) = previous {
        description.push_str(&format!(" Previous, {}: {}.", display_date(p.date.value), summary(p)));
    }
    Radar {
        width,
        height,
        axes,
        rings,
        latest: points(&latest_shape),
        latest_dots,
        latest_date: display_date(latest.date.value),
        previous: previous.map(|p| points(&shape(p))),
        previous_date: previous.map(|p| display_date(p.date.value)),
        cx,
        cy,
        description,
    }
}

fn line(scale: &OutcomeScale, area: &str, readings: &[&OutcomeReading]) -> Option<Line> {
    let scored: Vec<(Date, f64)> =
        readings.iter().filter_map(|r| r.scores.get(area).map(|s| (r.date.value, s.value))).collect();
    series(&super::views::label(area), &scored, scale.min, scale.max)
}

/// A small line chart of dated values (oldest first) on a range from `min` to `max`, or `None`
/// when there are none: an outcome area over time, or a board measure at each month end.
pub fn series(title: &str, values: &[(Date, f64)], min: f64, max: f64) -> Option<Line> {
    let (first, last) = (values.first()?.0, values.last()?.0);
    let (width, height, left, right, top, bottom) = (300.0, 130.0, 30.0, 290.0, 12.0, 100.0);
    let span = (last - first).num_days().max(1) as f64;
    let xy = |d: Date, v: f64| {
        let x = if values.len() == 1 {
            (left + right) / 2.0
        } else {
            left + (right - left) * (d - first).num_days() as f64 / span
        };
        (x, bottom - (bottom - top) * fraction(min, max, v))
    };
    let coords: Vec<(f64, f64)> = values.iter().map(|(d, v)| xy(*d, *v)).collect();
    let dots = coords
        .iter()
        .zip(values)
        .map(|((x, y), (d, v))| Point {
            x: round(*x),
            y: round(*y),
            label: format!("{}: {}", display_date(*d), number(*v)),
        })
        .collect::<Vec<Point>>();
    let description =
        format!("{title} over time: {}.", dots.iter().map(|d| d.label.clone()).collect::<Vec<_>>().join("; "));
    Some(Line {
        area: title.to_string(),
        width,
        height,
        points: points(&coords),
        dots,
        left,
        right,
        top,
        bottom,
        min: number(min),
        max: number(max),
        first: display_date(first),
        last: display_date(last),
        description,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::Pos;
    use crate::model::{Source, Spanned};
    use std::sync::Arc;

    fn reading(date: &str, scores: &[(&str, f64)]) -> OutcomeReading {
        let d = crate::model::date::parse_date(date).expect("test date");
        OutcomeReading {
            source: Arc::new(Source::new(format!("records/yp-1/outcomes/{date}.md"), String::new(), 0, 1, None)),
            date: Spanned::new(d, Pos::new(1, 1)),
            scale: Spanned::new("keep-on-caring".into(), Pos::new(1, 1)),
            by: None,
            scores: scores.iter().map(|(a, s)| (a.to_string(), Spanned::new(*s, Pos::new(1, 1)))).collect(),
        }
    }

    #[test]
    fn star_and_lines_follow_the_scores() {
        let config = Config::default();
        let readings = [
            reading("2026-01-01", &[("independent-living", 1.0), ("health", 10.0)]),
            reading("2026-07-01", &[("independent-living", 10.0), ("health", 5.5)]),
        ];
        let charts = outcome_charts(&readings, &config).expect("charts");
        let radar = charts.radar.expect("five areas make a star");
        assert_eq!(radar.axes.len(), 5);
        // Independent living is the first spoke, straight up: 10 of 10 reaches the rim.
        assert!(radar.latest.starts_with("320,50 "), "{}", radar.latest);
        assert!(radar.previous.as_deref().is_some_and(|p| p.starts_with("320,170 ")));
        assert!(radar.description.contains("Health 5.5"));
        let health = charts.lines.iter().find(|l| l.area == "Health").expect("health line");
        assert_eq!(health.points, "30,12 290,56");
        assert_eq!(charts.lines.len(), 2, "areas never scored have no line");
        assert!(outcome_charts(&[], &config).is_none());
    }
}
