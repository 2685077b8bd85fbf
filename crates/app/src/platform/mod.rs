//! The browser around the app: the route in the address bar, typed link
//! parameters, navigation, and each section's state kept in its link.

pub mod model_link;
pub mod navigation;
pub mod params;
pub mod route;
pub mod section_state;
