package main

import (
	"context"
	"errors"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Handlers binds the order machine's Task states to local functions that
// return what the hand-written peer's processPayment, updateInventory,
// sendConfirmationEmail and notifyShipping return. Like the peer, which
// decodes the order into typed structs, a handler fails on a field of the
// wrong type.
type Handlers struct{}

var errBadInput = errors.New("task input does not have the expected fields")

// str returns the string member name of the object v.
func str(v any, name string) (string, error) {
	s, ok := fieldOf(v, name).(string)
	if !ok {
		return "", errBadInput
	}
	return s, nil
}

func fieldOf(v any, name string) any {
	f, _ := sfnrt.Field(v, name)
	return f
}

// ProcessPayment approves the payment: {status, transactionId, amount}.
func (Handlers) ProcessPayment(ctx context.Context, input any) (any, error) {
	id, err := str(input, "orderId")
	if err != nil {
		return nil, err
	}
	amount := fieldOf(input, "amount")
	if _, ok := sfnrt.Float(amount); !ok {
		return nil, errBadInput
	}
	if _, err := str(input, "currency"); err != nil {
		return nil, err
	}
	return sfnrt.ObjectOf(
		sfnrt.Member{Key: "status", Value: "APPROVED"},
		sfnrt.Member{Key: "transactionId", Value: "TX-" + id},
		sfnrt.Member{Key: "amount", Value: amount},
	), nil
}

// UpdateInventory counts the order lines: {inventoryUpdated, lines}.
func (Handlers) UpdateInventory(ctx context.Context, input any) (any, error) {
	if _, err := str(input, "orderId"); err != nil {
		return nil, err
	}
	var lines int
	switch items := fieldOf(input, "items").(type) {
	case nil:
	case []any:
		lines = len(items)
	default:
		return nil, errBadInput
	}
	return sfnrt.ObjectOf(
		sfnrt.Member{Key: "inventoryUpdated", Value: true},
		sfnrt.Member{Key: "lines", Value: int64(lines)},
	), nil
}

// SendConfirmationEmail pretends to send the e-mail: {emailSent, to}.
func (Handlers) SendConfirmationEmail(ctx context.Context, input any) (any, error) {
	if _, err := str(input, "orderId"); err != nil {
		return nil, err
	}
	email, err := str(input, "email")
	if err != nil {
		return nil, err
	}
	return sfnrt.ObjectOf(
		sfnrt.Member{Key: "emailSent", Value: true},
		sfnrt.Member{Key: "to", Value: email},
	), nil
}

// NotifyShipping books the shipment: {shipmentId, carrier}.
func (Handlers) NotifyShipping(ctx context.Context, input any) (any, error) {
	id, err := str(input, "orderId")
	if err != nil {
		return nil, err
	}
	if _, err := str(input, "transactionId"); err != nil {
		return nil, err
	}
	if _, ok := fieldOf(input, "address").(*sfnrt.Object); !ok {
		return nil, errBadInput
	}
	return sfnrt.ObjectOf(
		sfnrt.Member{Key: "shipmentId", Value: "SHIP-" + id},
		sfnrt.Member{Key: "carrier", Value: "ACME"},
	), nil
}
