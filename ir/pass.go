package ir

// A Pass state passes its input to its output, or injects Result or
// Parameters.
type Pass struct {
	Common
	Result     Value    // nil when absent; static, ".$" keys kept literally
	Parameters Template // nil when absent
	ResultPath OptionalPath
}

func (*Pass) isState() {}
