module github.com/sfn-compile/sfn-compile

go 1.23

require (
	github.com/dave/jennifer v1.7.1 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/rogpeppe/go-internal v1.14.1 // indirect
	golang.org/x/tools v0.26.0 // indirect
)
