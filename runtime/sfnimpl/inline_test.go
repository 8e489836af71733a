package sfnimpl_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestMethodsInlineInGeneratedCode: generated code reaches the engine's
// types through aliases, and the compiler inlines their methods there
// only if sfnimpl's export data carries the bodies (impl_gen.go's
// inlineBodies; golang/go#74783). Without it, every Object.Append of a
// fused loop is a call, and every path step a call to a string
// comparison.
func TestMethodsInlineInGeneratedCode(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	if testing.Short() {
		t.Skip("compiles a generated machine")
	}
	const machine = "github.com/sfn-compile/sfn-compile/bench/internal/machines/loop"
	out, err := exec.Command("go", "build", "-gcflags=-m", machine).CombinedOutput()
	if err != nil {
		t.Fatalf("go build %s: %v\n%s", machine, err, out)
	}
	for _, method := range []string{"engine.(*Object).Append", "engine.(*Frame).Transitions", "engine.(*FieldHint).Hit"} {
		if !strings.Contains(string(out), "inlining call to "+method) {
			t.Errorf("%s is not inlined in %s: is inlineBodies in impl_gen.go?", method, machine)
		}
	}
}
