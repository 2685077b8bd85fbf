//! Attend's web app.
