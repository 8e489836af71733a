package server

import (
	"errors"
	"fmt"
)

// An apiError is an error the API answers with: HTTP 400 (500 for
// internal errors) and {"__type": Code, "message": Message}.
type apiError struct {
	Code    string
	Message string
	status  int // 0: 400
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errorf(code, format string, args ...any) *apiError {
	return &apiError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// AWS's error codes, as the SDK's types/errors.go names them, and the
// protocol's own (SerializationException, UnknownOperationException).
const (
	codeSerialization       = "SerializationException"
	codeUnknownOperation    = "UnknownOperationException"
	codeValidation          = "ValidationException"
	codeMissingParameter    = "MissingRequiredParameter"
	codeInvalidArn          = "InvalidArn"
	codeInvalidName         = "InvalidName"
	codeInvalidDefinition   = "InvalidDefinition"
	codeMachineExists       = "StateMachineAlreadyExists"
	codeMachineDoesNotExist = "StateMachineDoesNotExist"
	codeTypeNotSupported    = "StateMachineTypeNotSupported"
	codeResourceNotFound    = "ResourceNotFound"
	codeTooManyTags         = "TooManyTags"
	codeConflict            = "ConflictException"
	codeInternal            = "InternalFailure"
)

// asAPIError turns any error into the one answered: internal errors are
// reported as InternalFailure (HTTP 500), without panicking.
func asAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	return &apiError{Code: codeInternal, Message: err.Error(), status: 500}
}
