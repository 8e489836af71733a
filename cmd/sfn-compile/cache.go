package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	sfncompile "github.com/sfn-compile/sfn-compile"
)

// The runtime source embedded in sfn-compile, as extracted into the cache:
// a module holding the runtime packages, whose go.mod requires nothing.
type runtimeSource struct {
	module string            // module path, from the embedded go.mod
	goLine string            // its go directive, e.g. "1.23"
	files  map[string][]byte // slash path -> content: go.mod and runtime/**/*.go without tests
	hash   string            // hex SHA-256 of files
}

var (
	rtOnce sync.Once
	rtSrc  *runtimeSource
	rtErr  error
)

// embeddedRuntime returns the runtime source embedded in the binary.
func embeddedRuntime() (*runtimeSource, error) {
	rtOnce.Do(func() { rtSrc, rtErr = loadRuntime(sfncompile.RuntimeSource) })
	return rtSrc, rtErr
}

func loadRuntime(fsys fs.FS) (*runtimeSource, error) {
	gomod, err := fs.ReadFile(fsys, "go.mod")
	if err != nil {
		return nil, fmt.Errorf("embedded runtime: %w", err)
	}
	rt := &runtimeSource{files: map[string][]byte{}}
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 2 && fields[0] == "module" {
			rt.module = strings.Trim(fields[1], `"`)
		}
		if len(fields) == 2 && fields[0] == "go" {
			rt.goLine = fields[1]
		}
	}
	if rt.module == "" || rt.goLine == "" {
		return nil, errors.New("embedded runtime: go.mod has no module or go line")
	}
	// The runtime imports only the standard library, so its go.mod needs
	// no requirements: building a generated machine resolves nothing.
	rt.files["go.mod"] = []byte("module " + rt.module + "\n\ngo " + rt.goLine + "\n")
	walk := func(root string) error {
		return fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || path.Ext(p) != ".go" || strings.HasSuffix(p, "_test.go") {
				return nil
			}
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			rt.files[p] = data
			return nil
		})
	}
	err = walk("runtime")
	if err == nil {
		err = walk("durable")
	}
	if err != nil {
		return nil, fmt.Errorf("embedded runtime: %w", err)
	}
	names := make([]string, 0, len(rt.files))
	for name := range rt.files {
		names = append(names, name)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, name := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(rt.files[name]))
		h.Write(rt.files[name])
	}
	rt.hash = hex.EncodeToString(h.Sum(nil))
	return rt, nil
}

// cacheRoot returns sfn-compile's cache directory, creating it:
// os.UserCacheDir()/sfn-compile.
func cacheRoot() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory: %w", err)
	}
	root := filepath.Join(dir, "sfn-compile")
	if err := os.MkdirAll(root, 0o777); err != nil {
		return "", err
	}
	return root, nil
}

// extract writes the runtime module into the cache, once per content,
// and returns its directory. Concurrent sfn-compile processes may race:
// each extracts into a temporary directory and renames it into place.
func (rt *runtimeSource) extract(root string) (string, error) {
	dir := filepath.Join(root, "runtime", rt.hash[:24])
	now := time.Now()
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		os.Chtimes(dir, now, now) // keep it from being trimmed
		return dir, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o777); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "tmp-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if err := writeTree(tmp, rt.files); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, "go.mod")); statErr == nil {
			return dir, nil // another process won the race
		}
		return "", err
	}
	trimCache(filepath.Dir(dir), now)
	return dir, nil
}

// writeTree writes files (slash paths) under dir.
func writeTree(dir string, files map[string][]byte) error {
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o666); err != nil {
			return err
		}
	}
	return nil
}

// cacheAge is how long an unused cached binary or runtime is kept.
const cacheAge = 30 * 24 * time.Hour

// cacheMaxBytes bounds each folder of the cache. A binary of run is tens
// of MB (one that links durability about 50), and one is built for every
// definition content and runtime version, so a definition edited and run
// again and again, or a runtime rebuilt, fills a disk long before 30
// days pass: the tests of one day's work once left 41 GB. Past the bound,
// the entries used least recently go first.
const cacheMaxBytes = 2 << 30

// trimCache removes the entries of dir not used for cacheAge, then, while
// the rest hold more than cacheMaxBytes, the least recently used ones. The
// most recent entry stays whatever its size: it was just made or used.
// Entries in the making (tmp-) are left to the process making them.
func trimCache(dir string, now time.Time) {
	trimCacheTo(dir, now, cacheMaxBytes)
}

// trimCacheTo is trimCache with the bound given.
func trimCacheTo(dir string, now time.Time, maxBytes int64) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type entry struct {
		path string
		used time.Time
		size int64
	}
	var kept []entry
	var total int64
	for _, ent := range entries {
		info, err := ent.Info()
		if err != nil {
			continue
		}
		p := filepath.Join(dir, ent.Name())
		if now.Sub(info.ModTime()) > cacheAge {
			os.RemoveAll(p)
			continue
		}
		if strings.HasPrefix(ent.Name(), "tmp-") {
			continue
		}
		size := info.Size()
		if ent.IsDir() {
			_, size = cacheUsage(p)
		}
		kept = append(kept, entry{p, info.ModTime(), size})
		total += size
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].used.After(kept[j].used) })
	for i := len(kept) - 1; i > 0 && total > maxBytes; i-- {
		if os.RemoveAll(kept[i].path) == nil {
			total -= kept[i].size
		}
	}
}

const cacheHelp = `Shows where sfn-compile keeps what it builds and what that holds: the
binaries of run (one per definition content, so a definition's first run
builds and the next ones start at once), the runtime source it builds
against, and test's programs. Entries unused for 30 days are removed as
new ones are added, and past 2 GiB a folder the least recently used;
"clean" removes everything now. The compiled Go packages themselves are
in Go's build cache (go env GOCACHE; go clean -cache empties it).`

// cacheParts says what the cache's folders hold.
var cacheParts = map[string]string{
	"bin":         "binaries of run",
	"runtime":     "runtime sources",
	"test":        "programs of test",
	"conformance": "conformance gate",
}

// cmdCache shows the cache's folder and contents, or empties it.
func cmdCache(e *env, args []string) int {
	fs := newFlags("cache")
	pos, code, ok := parseFlags(e, fs, synopsis("cache"), args)
	if !ok {
		return code
	}
	clean := false
	switch {
	case len(pos) == 1 && pos[0] == "clean":
		clean = true
	case len(pos) > 0:
		return usageErrorf(e, "cache", "unexpected argument %q: want nothing or clean", pos[0])
	}
	root, err := cacheRoot()
	if err != nil {
		return failf(e, "cache", "%v", err)
	}
	_, total := cacheUsage(root)
	if clean {
		if err := os.RemoveAll(root); err != nil {
			return failf(e, "cache", "%v", err)
		}
		fmt.Fprintf(e.stdout, "removed %s (%s)\n", root, formatSize(total))
		return exitOK
	}
	fmt.Fprintf(e.stdout, "%s: %s\n", root, formatSize(total))
	dirs, err := os.ReadDir(root)
	if err != nil {
		return failf(e, "cache", "%v", err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		what := cacheParts[d.Name()]
		if what == "" {
			what = "other"
		}
		n, size := cacheUsage(filepath.Join(root, d.Name()))
		fmt.Fprintf(e.stdout, "  %-13s %9s  %d %s\n", d.Name()+"/", formatSize(size), n, what)
	}
	fmt.Fprint(e.stdout, "Entries unused for 30 days, and past 2 GiB a folder the least recently used, are removed; 'sfn-compile cache clean' removes all now.\n")
	return exitOK
}

// cacheUsage returns the number of entries of dir (temporary ones aside)
// and the bytes of the files under it.
func cacheUsage(dir string) (entries int, size int64) {
	list, err := os.ReadDir(dir)
	if err != nil {
		return 0, 0
	}
	for _, ent := range list {
		if !strings.HasPrefix(ent.Name(), "tmp-") {
			entries++
		}
	}
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				size += info.Size()
			}
		}
		return nil
	})
	return entries, size
}

// formatSize writes a byte count for people: 12.3 MB.
func formatSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
