use geo::BoundingRect;

use super::*;
use crate::plan::Plan;
use crate::render::map::fixtures::drawn_plan;
use crate::render::{Format, RenderOptions, fixtures};

fn svg(plan: &Plan, opts: RenderOptions) -> String {
    let mut out = Vec::new();
    crate::render::plan(plan, Format::Svg, &opts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Rasterises the picture at its own size.
fn raster(svg: &str) -> resvg::tiny_skia::Pixmap {
    let tree = resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default()).unwrap();
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
    resvg::render(&tree, resvg::tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap
}

/// The pixel at the centre of the bounding box of the named area.
fn centre_pixel(plan: &Plan, name: &str, pixmap: &resvg::tiny_skia::Pixmap) -> (u8, u8, u8) {
    let map = Map::of_plan(plan, RenderOptions::default());
    let (proj, _) = Projection::fit(map.bounds().unwrap());
    let area = map.areas.iter().find(|a| a.name == name).unwrap();
    let c = area.shape.bounding_rect().unwrap().center();
    let (x, y) = proj.point(c.x, c.y);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let p = pixmap.pixel(x as u32, y as u32).unwrap();
    (p.red(), p.green(), p.blue())
}

#[test]
fn the_svg_parses_as_xml_and_names_every_area() {
    let plan = drawn_plan();
    let text = svg(&plan, RenderOptions::default());
    let doc = roxmltree::Document::parse(&text).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let paths: Vec<_> = root.children().filter(|n| n.has_tag_name("path")).collect();
    // Nine areas and the scale bar.
    assert_eq!(paths.len(), 10);
    let labels: Vec<&str> =
        root.children().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
    for name in ["aarhus-bay", "skagen-tiles", "aalborg-fjord", "old-pilot", "ribe-marsh"] {
        assert!(labels.contains(&name), "{name} in {labels:?}");
    }
    assert!(labels.iter().any(|l| l.ends_with(" km")), "a scale bar: {labels:?}");
    assert!(labels.contains(&"create (3)"), "a legend: {labels:?}");
    assert!(!text.contains("href"), "self-contained");
}

#[test]
fn rasterised_a_created_area_is_green_and_a_cancelled_one_red() {
    let plan = drawn_plan();
    let pixmap = raster(&svg(&plan, RenderOptions::default()));
    let (r, g, b) = centre_pixel(&plan, "skagen-tiles", &pixmap);
    assert!(g > r + 40 && g > b + 40, "create is green: {:?}", (r, g, b));
    let (r, g, b) = centre_pixel(&plan, "old-pilot", &pixmap);
    assert!(r > g + 40 && r > b + 40, "cancel is red: {:?}", (r, g, b));
    // The hole of the cancelled Esbjerg area shows the white background.
    assert_eq!(centre_pixel(&plan, "esbjerg-port", &pixmap), (255, 255, 255));
}

#[test]
fn hostile_names_stay_text_and_an_empty_plan_is_still_a_picture() {
    let mut plan = drawn_plan();
    plan.changes[1].name = Some("<script>\u{1}&\"x\"</script>".into());
    let text = svg(&plan, RenderOptions::default());
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert!(doc.descendants().all(|n| !n.has_tag_name("script")));
    let empty = svg(&fixtures::empty_plan(Vec::new()), RenderOptions::default());
    let doc = roxmltree::Document::parse(&empty).unwrap();
    assert!(doc.descendants().any(|n| n.text() == Some("Nothing to draw.")));
    raster(&empty);
}
