package main

import (
	"github.com/sfn-compile/sfn-compile/ir"
)

// s3storePkg is the Amazon S3 store of Distributed Maps.
const s3storePkg = rtModule + "/runtime/integrations/s3store"

// usesObjectStore reports whether a machine has, at any depth, a Map that
// reads items from or writes results to Amazon S3.
func usesObjectStore(m *ir.Machine) bool {
	for _, s := range m.States {
		switch s := s.(type) {
		case *ir.Parallel:
			for _, b := range s.Branches {
				if usesObjectStore(b) {
					return true
				}
			}
		case *ir.Map:
			if s.ItemReader != nil || s.ResultWriter != nil && s.ResultWriter.Export {
				return true
			}
			if s.Processor != nil && usesObjectStore(s.Processor) {
				return true
			}
		}
	}
	return false
}
