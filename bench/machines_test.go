package bench

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestKitDefinitions: the workloads' definitions, copied into the
// repository so that the committed machines are generated from files
// inside it, are the bench kit's (../shared/bench) where it is present.
func TestKitDefinitions(t *testing.T) {
	kit := filepath.Join("..", "..", "shared", "bench", "machines")
	if _, err := os.Stat(kit); err != nil {
		t.Skipf("no bench kit at %s: nothing to compare the copies with", kit)
	}
	copies := map[string]string{
		"order.asl.json": "../examples/order/order.asl.json", // the example is the order workload
	}
	for _, w := range []string{"tiny", "loop", "map", "map-c10", "parallel"} {
		copies[w+".asl.json"] = filepath.Join("machines", w+".asl.json")
	}
	for name, copy := range copies {
		want, err := os.ReadFile(filepath.Join(kit, name))
		if err != nil {
			t.Errorf("the kit has no %s: %v", name, err)
			continue
		}
		got, err := os.ReadFile(copy)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("%s differs from the kit's %s; copy it again and run go generate ./bench ./examples/... (-kit +copy):\n%s", copy, name, diff)
		}
	}
}
