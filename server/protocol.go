package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// targetPrefix starts every X-Amz-Target of the Step Functions API.
const targetPrefix = "AWSStepFunctions."

// maxRequestBytes bounds a request body: AWS's request size limit is
// 1 MB of payload, and a 1 MB definition grows when JSON-escaped in a
// request (each quote and newline doubles), so the bound allows for it.
const maxRequestBytes = 4 << 20

// An action handles one X-Amz-Target: it decodes the body into its
// input and returns its output (marshalled as JSON) or an error.
type action func(s *Server, r *http.Request, body []byte) (any, error)

// actions maps the action names of the API to their handlers; the files
// named after each group (statemachines.go...) fill it.
var actions = map[string]action{}

// ServeHTTP answers the awsJson1_0 protocol at POST /; it never lets a
// panic reach the client or the process.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("X-Amz-Target") == "" {
		if s.console != nil {
			s.console.ServeHTTP(w, r)
			return
		}
		http.NotFound(w, r)
		return
	}
	defer func() {
		if v := recover(); v != nil {
			log.Printf("sfn-compile serve: panic answering %s: %v\n%s", r.Header.Get("X-Amz-Target"), v, debug.Stack())
			writeError(w, &apiError{Code: codeInternal, Message: "internal error (a bug in sfn-compile, please report it)", status: 500})
		}
	}()
	out, err := s.handle(r)
	if err != nil {
		writeError(w, asAPIError(err))
		return
	}
	body, err := json.Marshal(out)
	if err != nil {
		writeError(w, asAPIError(err))
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// handle reads the request and runs its action.
func (s *Server) handle(r *http.Request) (any, error) {
	target := r.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, targetPrefix)
	act := actions[name]
	if !ok || act == nil {
		return nil, errorf(codeUnknownOperation, "Unknown operation %s", target)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes+1))
	if err != nil {
		return nil, errorf(codeSerialization, "reading the request body: %v", err)
	}
	if len(body) > maxRequestBytes {
		return nil, errorf(codeValidation, "the request body exceeds %d bytes", maxRequestBytes)
	}
	return act(s, r, body)
}

// decode unmarshals a request body into in. An empty body is an empty
// input, as the SDKs send for actions without members. Members the
// server does not know are ignored, as AWS does, so that newer clients
// keep working; members of the wrong JSON type are SerializationException.
func decode(body []byte, in any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(in); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return errorf(codeSerialization, "member %s: expected %s, got JSON %s", typeErr.Field, typeName(typeErr.Type.String()), typeErr.Value)
		}
		return errorf(codeSerialization, "the request body is not a JSON object of the action's input: %v", err)
	}
	if dec.More() {
		return errorf(codeSerialization, "the request body has data after its JSON object")
	}
	return nil
}

// typeName says a Go type as a JSON type.
func typeName(goType string) string {
	switch {
	case strings.Contains(goType, "string"):
		return "a string"
	case strings.Contains(goType, "int"), strings.Contains(goType, "float"):
		return "a number"
	case strings.Contains(goType, "bool"):
		return "a boolean"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	}
	return "an object"
}

// writeError answers err as the protocol does: its code in __type and
// in the X-Amzn-ErrorType header, which the SDKs read first.
func writeError(w http.ResponseWriter, err *apiError) {
	body, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{err.Code, err.Message})
	status := err.status
	if status == 0 {
		status = http.StatusBadRequest
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amzn-ErrorType", err.Code)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// An epoch is a time answered as the protocol's timestamps are: epoch
// seconds, a JSON number with milliseconds.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return []byte(fmt.Sprintf("%d.%03d", ms/1000, ms%1000)), nil
}

// required checks the members, given as name/value pairs, that the
// action's input shape requires: the first missing one is answered as AWS
// answers it, a ValidationException naming it.
func required(members ...any) error {
	for i := 0; i+1 < len(members); i += 2 {
		name := members[i].(string)
		switch v := members[i+1].(type) {
		case *string:
			if v == nil {
				return errorf(codeValidation, "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", name)
			}
		}
	}
	return nil
}
