package sfncli

import (
	"fmt"
	"math"
	"strconv"
)

// WaitTimeScaleEnv is the environment variable Step Functions Local
// reads the scale from.
const WaitTimeScaleEnv = "WAIT_TIME_SCALE"

// ParseWaitTimeScale reads a wait-time scale: a finite number, 0 or more.
func ParseWaitTimeScale(s string) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0, fmt.Errorf("wait-time scale %q: want a number, 0 or more (0: waits end at once, 0.5: half the time)", s)
	}
	return f, nil
}

// waitScaleFlag is the --wait-time-scale flag: set reports whether it
// was given.
type waitScaleFlag struct {
	scale float64
	set   bool
}

func (f *waitScaleFlag) String() string {
	if f == nil || !f.set {
		return ""
	}
	return strconv.FormatFloat(f.scale, 'g', -1, 64)
}

func (f *waitScaleFlag) Set(s string) error {
	v, err := ParseWaitTimeScale(s)
	if err != nil {
		return err
	}
	f.scale, f.set = v, true
	return nil
}
