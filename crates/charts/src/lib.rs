//! Attend's charts. Every `draw_*` function is generic over plotters'
//! `DrawingBackend`: the app draws on a `<canvas>`, the tests on SVG.
