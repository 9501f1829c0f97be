// Package desktop holds the end-to-end tests of the desktop window
// (docs/DESIGN.md, "The front ends"): the real binary on an Xvfb display,
// keys pressed through the X server's XTEST extension (as xdotool does),
// and the screen read back from the display's pixels. A missing Xvfb
// skips them, or fails them under CI=true.
package desktop
