package server

import (
	"net/http"
	"sort"
	"unicode/utf8"
)

func init() {
	actions["TagResource"] = (*Server).tagResource
	actions["UntagResource"] = (*Server).untagResource
	actions["ListTagsForResource"] = (*Server).listTagsForResource
}

// maxTags is AWS's limit on the tags of one resource.
const maxTags = 50

// mergeTags adds tags to have (replacing the values of keys it has),
// checking AWS's limits on keys, values and count.
func mergeTags(have, add []tag) ([]tag, error) {
	byKey := map[string]string{}
	for _, t := range have {
		byKey[t.Key] = t.Value
	}
	for _, t := range add {
		if n := utf8.RuneCountInString(t.Key); n < 1 || n > 128 {
			return nil, errorf(codeValidation, "1 validation error detected: Value '%s' at 'tags.member.key' failed to satisfy constraint: Member must have length between 1 and 128", t.Key)
		}
		if utf8.RuneCountInString(t.Value) > 256 {
			return nil, errorf(codeValidation, "1 validation error detected: Value at 'tags.member.value' failed to satisfy constraint: Member must have length less than or equal to 256")
		}
		byKey[t.Key] = t.Value
	}
	if len(byKey) > maxTags {
		return nil, errorf(codeTooManyTags, "Too many tags: a resource has at most %d", maxTags)
	}
	out := make([]tag, 0, len(byKey))
	for k, v := range byKey {
		out = append(out, tag{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

type tagInput struct {
	ResourceArn *string  `json:"resourceArn"`
	Tags        []tag    `json:"tags"`
	TagKeys     []string `json:"tagKeys"`
}

// tagged returns the tags of the state machine or activity a resource
// ARN names.
func (s *Server) tagged(resource *string) (*[]tag, error) {
	if err := required("resourceArn", resource); err != nil {
		return nil, err
	}
	if a, err := parseARN(*resource, "activity"); err == nil && a.qualifier == "" {
		if act, _ := s.reg.activityByARN(*resource); act != nil {
			return &act.Tags, nil
		}
	}
	m, v, al, err := s.lookup(*resource)
	if err != nil || v != nil || al != nil {
		return nil, errorf(codeResourceNotFound, "Resource not found: '%s'", *resource)
	}
	return &m.Tags, nil
}

func (s *Server) tagResource(_ *http.Request, body []byte) (any, error) {
	return s.changeTags(body, func(have []tag, in *tagInput) ([]tag, error) {
		return mergeTags(have, in.Tags)
	})
}

func (s *Server) untagResource(_ *http.Request, body []byte) (any, error) {
	return s.changeTags(body, func(have []tag, in *tagInput) ([]tag, error) {
		drop := map[string]bool{}
		for _, k := range in.TagKeys {
			drop[k] = true
		}
		kept := []tag{}
		for _, t := range have {
			if !drop[t.Key] {
				kept = append(kept, t)
			}
		}
		return kept, nil
	})
}

// changeTags replaces the tags of the resource a request names with what
// change makes of them (kept as they were if the registry cannot be
// saved).
func (s *Server) changeTags(body []byte, change func(have []tag, in *tagInput) ([]tag, error)) (any, error) {
	return s.withTags(body, func(in *tagInput, have *[]tag) (any, error) {
		tags, err := change(*have, in)
		if err != nil {
			return nil, err
		}
		if err := saveReplacing(s.reg, have, tags); err != nil {
			return nil, err
		}
		return struct{}{}, nil
	})
}

func (s *Server) listTagsForResource(_ *http.Request, body []byte) (any, error) {
	return s.withTags(body, func(_ *tagInput, have *[]tag) (any, error) {
		return struct {
			Tags []tag `json:"tags"`
		}{append([]tag{}, *have...)}, nil
	})
}

// withTags decodes a tag request and runs fn on the tags of the resource
// it names, under the server's lock so that fn sees and leaves them whole.
func (s *Server) withTags(body []byte, fn func(in *tagInput, have *[]tag) (any, error)) (any, error) {
	var in tagInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	have, err := s.tagged(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return fn(&in, have)
}
