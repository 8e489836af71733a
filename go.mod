module github.com/sfn-compile/sfn-compile

go 1.23
