//! Light and dark themes. The choice is the reader's, not the lesson's, so
//! it lives in `localStorage` rather than in the shared link; `index.html`
//! applies it before the app starts so the page never flashes white.

use leptos::prelude::*;

const STORAGE_KEY: &str = "attend-theme";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Follow the operating system (`prefers-color-scheme`).
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// Anything unknown (an old or hand-edited value) means `Auto`.
    pub fn parse(text: &str) -> Theme {
        match text {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::Auto,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Theme::Auto => "Theme: system",
            Theme::Light => "Theme: light",
            Theme::Dark => "Theme: dark",
        }
    }

    /// The next one in the toggle's cycle.
    pub fn next(self) -> Theme {
        match self {
            Theme::Auto => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Auto,
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

pub fn load() -> Theme {
    storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .map(|v| Theme::parse(&v))
        .unwrap_or(Theme::Auto)
}

/// Sets `data-theme` on `<html>` (the stylesheet keys on it) and remembers
/// the choice; private browsing without storage still switches the page.
pub fn apply(theme: Theme) {
    if let Some(root) = document().document_element() {
        attend_runtime::report::warn_on_err(
            "switching the theme",
            root.set_attribute("data-theme", theme.as_str()),
        );
    }
    if let Some(s) = storage() {
        attend_runtime::report::warn_on_err(
            "remembering the theme",
            s.set_item(STORAGE_KEY, theme.as_str()),
        );
    }
}

#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = RwSignal::new(load());
    Effect::new(move |_| apply(theme.get()));
    view! {
        <button
            class="topbar-button"
            data-testid="theme-toggle"
            data-theme=move || theme.get().as_str()
            title="Switch between the system's, a light and a dark theme"
            on:click=move |_| theme.update(|t| *t = t.next())
        >
            {move || theme.get().label()}
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Theme; 3] = [Theme::Auto, Theme::Light, Theme::Dark];

    #[test]
    fn parses_what_it_writes_and_defaults_to_auto() {
        for theme in ALL {
            assert_eq!(Theme::parse(theme.as_str()), theme);
        }
        assert_eq!(Theme::parse("sepia"), Theme::Auto);
        assert_eq!(Theme::parse(""), Theme::Auto);
    }

    #[test]
    fn the_toggle_visits_every_theme_and_returns() {
        let mut seen = vec![Theme::Auto];
        let mut t = Theme::Auto.next();
        while t != Theme::Auto {
            seen.push(t);
            t = t.next();
        }
        assert_eq!(seen, ALL.to_vec());
    }
}
