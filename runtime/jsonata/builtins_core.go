package jsonata

func initBuiltins() {
	builtins = map[string]*builtin{}
	registerCore()
}

func registerCore() {}
