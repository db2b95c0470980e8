//! The bar chart beside a survey's figures: the mean (1-5) of every scale question whose figure is
//! shown, as a PNG. Drawn with plotters' bitmap backend and a bundled font, so no system fonts
//! or fontconfig are needed.

use std::sync::Once;

use anyhow::Context;
use image::ImageEncoder;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::domain::survey::results::{Figures, Summary};

/// DejaVu Sans (free licence, see assets/fonts), registered once as the chart's only font.
static FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";
const SIZE: (u32, u32) = (900, 500);

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_err() {
            tracing::warn!("the bundled chart font could not be read");
        }
    });
}

/// The chart as PNG bytes; `None` when no scale question has a figure to show.
pub fn results_chart(title: &str, summary: &Summary) -> anyhow::Result<Option<Vec<u8>>> {
    let bars: Vec<(String, f64)> = summary
        .questions
        .iter()
        .filter_map(|q| match q.figures {
            Figures::Scale { mean, .. } => Some((q.id.clone(), mean)),
            _ => None,
        })
        .collect();
    if bars.is_empty() {
        return Ok(None);
    }
    register_font();
    let mut pixels = vec![0u8; (SIZE.0 * SIZE.1 * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!("{title}: mean answer per question (1-5)"),
                (FAMILY, 24),
            )
            .margin(20)
            .x_label_area_size(40)
            .y_label_area_size(40)
            // A segmented range over 0..n has n + 1 segments; the last bar's is n - 1.
            .build_cartesian_2d((0..bars.len() - 1).into_segmented(), 0f64..5f64)?;
        let labels: Vec<String> = bars.iter().map(|(id, _)| id.clone()).collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .label_style((FAMILY, 14))
            .draw()?;
        chart.draw_series(bars.iter().enumerate().map(|(i, (_, mean))| {
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(i), 0.0),
                    (SegmentValue::Exact(i + 1), *mean),
                ],
                RGBColor(46, 117, 182).filled(),
            );
            bar.set_margin(0, 0, 12, 12);
            bar
        }))?;
        root.present()?;
    }
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&pixels, SIZE.0, SIZE.1, image::ColorType::Rgb8)
        .context("could not encode the chart")?;
    Ok(Some(png))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::survey::results::QuestionFigures;

    #[test]
    fn the_chart_is_a_png_without_system_fonts() {
        let scale = |id: &str, mean: f64| QuestionFigures {
            id: id.into(),
            text: String::new(),
            answered: 4,
            figures: Figures::Scale {
                counts: [0, 1, 1, 1, 1],
                mean,
                labels: Vec::new(),
            },
        };
        let summary = Summary {
            invited: 6,
            responded: 4,
            questions: vec![scale("workbook", 3.5), scale("wiki", 2.25)],
            by_role: true,
        };
        let png = results_chart("End-of-program survey", &summary)
            .unwrap()
            .unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        if let Some(dir) = std::env::var_os("TANDEM_CHART_DIR") {
            std::fs::write(std::path::Path::new(&dir).join("chart.png"), &png).unwrap();
        }
        let none = Summary {
            questions: Vec::new(),
            ..summary
        };
        assert_eq!(results_chart("x", &none).unwrap(), None);
        let one = Summary {
            questions: vec![scale("wiki", 4.0)],
            ..none
        };
        assert!(results_chart("x", &one).unwrap().is_some());
    }
}
