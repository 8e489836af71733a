// Package sfnmock runs Task states against an AWS Step Functions Local
// mock configuration (MockConfigFile.json): LoadMockConfig returns the
// TaskInvoker that answers a test case's mocked responses. Its names are
// aliases of runtime/internal/engine's and functions that forward to it,
// written by internal/genrtapi (mock_gen.go).
package sfnmock
