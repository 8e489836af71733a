// Package sfnmock runs Task states against an AWS Step Functions Local
// mock configuration (MockConfigFile.json): LoadMockConfig returns the
// TaskInvoker that answers a test case's mocked responses. It is built
// on the application API (runtime/sfnrt) alone, as any TaskInvoker an
// application writes.
package sfnmock
