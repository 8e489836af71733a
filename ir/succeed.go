package ir

// A Succeed state ends the machine (or branch) successfully.
type Succeed struct {
	Common
}

func (*Succeed) isState() {}
