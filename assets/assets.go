// Package assets carries drive A: of the shipped machine: the CP/M programs
// embedded into the browser and desktop builds, so that neither needs files
// at run time.
package assets

import "embed"

// Programs holds every top-level .COM file of this directory (GUESS.COM,
// CHAT.COM); the game copies them onto drive A:.
//
//go:embed *.COM
var Programs embed.FS
