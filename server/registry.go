package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// registryFile is the one file the registry is kept in under the data
// folder: no name or ARN a request carries ever becomes a path.
const registryFile = "registry.json"

// The registry holds the state machines, their versions and aliases.
type registry struct {
	dir        string
	Machines   []*machine  `json:"machines"`             // in creation order
	Activities []*activity `json:"activities,omitempty"` // likewise
}

// A machine is a state machine as created and last updated.
type machine struct {
	Name       string    `json:"name"`
	ARN        string    `json:"arn"`
	Type       string    `json:"type"`
	Definition string    `json:"definition"`
	RoleARN    string    `json:"roleArn"`
	RevisionID string    `json:"revisionId"`
	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated,omitempty"`
	Tags       []tag     `json:"tags,omitempty"`
	Logging    *logging  `json:"logging,omitempty"`
	Tracing    *tracing  `json:"tracing,omitempty"`
	Versions   []version `json:"versions,omitempty"`
	NextNumber int       `json:"nextVersion,omitempty"` // the number of the next version published; numbers are never reused
	Aliases    []*alias  `json:"aliases,omitempty"`
}

// A version is a published, immutable revision of a machine.
type version struct {
	Number      int       `json:"number"`
	Definition  string    `json:"definition"`
	RoleARN     string    `json:"roleArn"`
	RevisionID  string    `json:"revisionId"`
	Description string    `json:"description,omitempty"`
	Created     time.Time `json:"created"`
}

// An alias routes executions to one or two versions by weight.
type alias struct {
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Routing     []routingEntry `json:"routingConfiguration"`
	Created     time.Time      `json:"created"`
	Updated     time.Time      `json:"updated,omitempty"`
}

type routingEntry struct {
	VersionARN string `json:"stateMachineVersionArn"`
	Weight     int    `json:"weight"`
}

type tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type logging struct {
	Level                string            `json:"level,omitempty"`
	IncludeExecutionData bool              `json:"includeExecutionData"`
	Destinations         []json.RawMessage `json:"destinations,omitempty"`
}

type tracing struct {
	Enabled bool `json:"enabled"`
}

// loadRegistry reads the registry kept in dir; "" or a folder without
// one gives an empty registry.
func loadRegistry(dir string) (*registry, error) {
	r := &registry{dir: dir}
	if dir == "" {
		return r, nil
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(dir, registryFile))
	if errors.Is(err, fs.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, r); err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Join(dir, registryFile), err)
	}
	return r, nil
}

// saveReplacing sets *list, one of the registry's lists, to next and
// saves the registry; if it cannot be saved, *list is put back as it was,
// so that a request that fails leaves the registry unchanged.
func saveReplacing[T any](r *registry, list *[]T, next []T) error {
	old := *list
	*list = next
	if err := r.save(); err != nil {
		*list = old
		return err
	}
	return nil
}

// save writes the registry atomically (a temporary file renamed into
// place), so that a crash leaves the old one or the new one.
func (r *registry) save() error {
	if r.dir == "" {
		return nil
	}
	data, err := json.MarshalIndent(r, "", "\t")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(r.dir, registryFile), data)
}

// byARN returns the machine of an unqualified state machine ARN.
func (r *registry) byARN(a string) (*machine, int) {
	for i, m := range r.Machines {
		if m.ARN == a {
			return m, i
		}
	}
	return nil, -1
}

func (r *registry) byName(name string) *machine {
	for _, m := range r.Machines {
		if m.Name == name {
			return m
		}
	}
	return nil
}
