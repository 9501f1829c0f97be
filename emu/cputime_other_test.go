//go:build !unix && !js

package emu

import "time"

// cpuTime is not known here: only wall-clock MHz is reported.
func cpuTime() time.Duration { return 0 }
