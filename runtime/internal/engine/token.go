package engine

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"sync"
)

// Task tokens: the $$.Task.Token of a Task state whose resource ends in
// .waitForTaskToken. A token names the execution, the state and the
// entered event of the state's run, and carries an HMAC-SHA256 of those
// under a secret key (Options.TokenKey: a durable store keeps one; an
// in-memory execution uses a key drawn once per process). So a token is
// opaque to its holder, cannot be guessed or forged, and the same run of
// the same state gets the same token after a resumption.

// callbackSuffix ends the resource of a Task state that waits for a task
// token.
const callbackSuffix = ".waitForTaskToken"

// IsCallbackResource reports whether a Task with this resource waits for
// SendTaskSuccess or SendTaskFailure (.waitForTaskToken).
func IsCallbackResource(resource string) bool { return strings.HasSuffix(resource, callbackSuffix) }

// A TaskToken is what a verified task token names.
type TaskToken struct {
	ExecutionArn string
	State        string
	// Seq is the id of the event that entered the state: it tells runs of
	// the same state apart.
	Seq int64
	// Redrive is the redrive the run belongs to (0: the execution's first
	// attempt): a state run again by a redrive gets a token of its own.
	Redrive int64
}

// tokenMACSize is the length of the MAC a token carries (SHA-256, cut to
// 128 bits: more than enough against forgery, and a shorter token).
const tokenMACSize = 16

// NewTaskToken returns the token for a run of a callback Task, signed with
// key. It panics in a program that does not link package
// runtime/sfncrypto, which generated code imports for the machines that
// make tokens.
func NewTaskToken(key []byte, t TaskToken) string {
	c := linkedCrypto
	if c == nil {
		panic(errNoCrypto)
	}
	var body []byte
	body = binary.AppendUvarint(body, uint64(len(t.ExecutionArn)))
	body = append(body, t.ExecutionArn...)
	body = binary.AppendUvarint(body, uint64(len(t.State)))
	body = append(body, t.State...)
	body = binary.AppendVarint(body, t.Seq)
	if t.Redrive != 0 {
		// Only then: the tokens of executions never redriven stay as
		// they were.
		body = binary.AppendVarint(body, t.Redrive)
	}
	body = c.TokenMAC(body, key, body)[:len(body)+tokenMACSize]
	return base64.RawURLEncoding.EncodeToString(body)
}

// ParseTaskToken checks token's signature under key and returns what it
// names; ok is false for a token that this key did not sign (malformed,
// forged, or from another store), and always in a program that does not
// link runtime/sfncrypto, which can have signed none.
func ParseTaskToken(key []byte, token string) (t TaskToken, ok bool) {
	c := linkedCrypto
	if c == nil {
		return TaskToken{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) <= tokenMACSize {
		return TaskToken{}, false
	}
	body, sum := raw[:len(raw)-tokenMACSize], raw[len(raw)-tokenMACSize:]
	if subtle.ConstantTimeCompare(c.TokenMAC(nil, key, body)[:tokenMACSize], sum) != 1 {
		return TaskToken{}, false
	}
	t, err = decodeTokenBody(body)
	return t, err == nil
}

// decodeTokenShape returns what token names without checking its
// signature: it tells a token of another key from something that is no
// token at all.
func decodeTokenShape(token string) (TaskToken, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return TaskToken{}, err
	}
	if len(raw) <= tokenMACSize {
		return TaskToken{}, errBadToken
	}
	return decodeTokenBody(raw[:len(raw)-tokenMACSize])
}

var errBadToken = errors.New("malformed task token")

// decodeTokenBody reads a token's fields (see NewTaskToken).
func decodeTokenBody(body []byte) (TaskToken, error) {
	r := bytes.NewReader(body)
	str := func() (string, bool) {
		n, err := binary.ReadUvarint(r)
		if err != nil || n > uint64(r.Len()) {
			return "", false
		}
		b := make([]byte, n)
		r.Read(b)
		return string(b), true
	}
	var t TaskToken
	var ok1, ok2 bool
	t.ExecutionArn, ok1 = str()
	t.State, ok2 = str()
	seq, err := binary.ReadVarint(r)
	if !ok1 || !ok2 || err != nil {
		return TaskToken{}, errBadToken
	}
	t.Seq = seq
	if r.Len() != 0 {
		if t.Redrive, err = binary.ReadVarint(r); err != nil || t.Redrive == 0 || r.Len() != 0 {
			return TaskToken{}, errBadToken
		}
	}
	return t, nil
}

// processTokenKey signs the tokens of executions with no TokenKey: they
// can be completed only from this process, which is all an in-memory
// execution can be reached from. It is nil in a program that does not
// link runtime/sfncrypto, which makes no tokens.
var processTokenKey = sync.OnceValue(func() []byte {
	c := linkedCrypto
	if c == nil {
		return nil
	}
	k := make([]byte, 32)
	c.RandomKey(k)
	return k
})

// tokenKey is the key x's tokens are signed with.
func (x *Execution) tokenKey() []byte {
	if x.TokenKey != nil {
		return x.TokenKey
	}
	return processTokenKey()
}

// callbackToken returns $$.Task.Token for the current run of the state, and
// false when the state is not a Task waiting for a task token.
func (f *Frame) callbackToken() (string, bool) {
	if f.X.machine == nil || !f.X.machine.isCallbackState(f.State) {
		return "", false
	}
	return f.taskToken(), true
}

// taskToken is the token of the current run of the state.
func (f *Frame) taskToken() string {
	x := f.X
	return NewTaskToken(x.tokenKey(), TaskToken{ExecutionArn: x.ID(), State: f.State, Seq: f.enteredEventID, Redrive: f.redriveCount()})
}

// redriveCount is the redrive the current run of the state belongs to
// ($$.Execution.RedriveCount): how many redrives resumed the execution
// at or before the event that entered it (Options.RedriveCuts).
func (f *Frame) redriveCount() int64 {
	n := int64(0)
	for _, cut := range f.X.redriveCuts {
		if f.enteredEventID >= cut {
			n++
		}
	}
	return n
}

// isCallbackState reports whether the Task state named state waits for a
// task token (state names are unique in a machine, nested ones included).
func (m *Machine) isCallbackState(state string) bool {
	set, _ := m.callbackStates.Load().(map[string]bool)
	if set == nil {
		set = make(map[string]bool)
		for _, t := range m.Tasks {
			if IsCallbackResource(t.Resource) || IsActivityResource(t.Resource) {
				set[t.State] = true
			}
		}
		m.callbackStates.Store(set)
	}
	return set[state]
}

// An APIError is an error of the Step Functions API (not of an
// execution): TaskDoesNotExist, InvalidToken, ExecutionAlreadyExists, ...
type APIError struct {
	Code    string // AWS's error name, the "__type" of its JSON
	Message string
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// A TaskCall tells a Task handler or TaskInvoker which invocation it
// runs, so that work done twice (see durable executions: an invocation in
// flight at a crash runs again) can be recognised. TaskCallFrom reads it
// from the handler's context.
type TaskCall struct {
	ExecutionArn string
	State        string
	Resource     string
	// Seq is the id of the event that entered the state: with State, it
	// names this run of the state within the execution.
	Seq int64
	// Attempt counts the state's retries in this run of it, from 0
	// ($$.State.RetryCount).
	Attempt int
	// Token is $$.Task.Token for a .waitForTaskToken resource, else "".
	Token string
}

type taskCallKey struct{}

// TaskCallFrom returns the invocation a Task handler's ctx belongs to.
// It is there for every handler of a durable execution (which may run an
// invocation again after a crash) and of a callback Task (whose token it
// carries); other in-memory Tasks run as they did before, at no cost,
// and see none.
func TaskCallFrom(ctx context.Context) (*TaskCall, bool) {
	c, ok := ctx.Value(taskCallKey{}).(*TaskCall)
	return c, ok
}
