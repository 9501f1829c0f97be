// Package testkit is what the tests of several packages share: the seed
// transcripts, reading an answer off the screen, reading the screen off a
// capture, finding the tools an end-to-end test needs (docs/DESIGN.md,
// "The front ends").
package testkit
