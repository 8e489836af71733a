package main

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/sfn-compile/sfn-compile/examples/order/machine"
	"github.com/sfn-compile/sfn-compile/examples/order/shop"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

var sink any

// BenchmarkOrder is one execution of the order workflow (Task, Choice,
// Parallel of two Tasks, Task, Succeed: 6 transitions), the generated
// machine with the typed Go handlers of package shop (impl=sfn) beside the
// hand-written peer (impl=go); impl=sfn-named runs executions with a name,
// which Start then does not draw at random. Each execution writes into
// the same Result (StartInto), as the built binary's --repeat run does.
func BenchmarkOrder(b *testing.B) {
	in := sfnrt.MustParseJSON(orderInput)
	for _, c := range []struct {
		name string
		opts sfnrt.Options
	}{{"impl=sfn", sfnrt.Options{}}, {"impl=sfn-named", sfnrt.Options{Name: "bench"}}} {
		b.Run(c.name, func(b *testing.B) {
			m := machine.New(shop.Handlers{})
			b.ReportAllocs()
			res := new(sfnrt.Result)
			for i := 0; i < b.N; i++ {
				m.StartInto(context.Background(), in, &c.opts, res)
				if res.Status != sfnrt.StatusSucceeded {
					b.Fatal(res.Error, res.Cause)
				}
				sink = res.Output
			}
		})
	}
	b.Run("impl=go", func(b *testing.B) {
		var o Order
		if err := json.Unmarshal([]byte(orderInput), &o); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			out, err := runOrder(o)
			if err != nil {
				b.Fatal(err)
			}
			sink = out
		}
	})
}

func TestOrderEquivalence(t *testing.T) {
	var o Order
	if err := json.Unmarshal([]byte(orderInput), &o); err != nil {
		t.Fatal(err)
	}
	want, err := runOrder(o)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(want)
	res := machine.New(shop.Handlers{}).Start(context.Background(), sfnrt.MustParseJSON(orderInput), sfnrt.Options{})
	if !sfnrt.Equal(res.Output, sfnrt.MustParseJSON(string(raw))) {
		t.Errorf("generated machine: %s\nhand-written: %s", sfnrt.ToJSON(res.Output), raw)
	}
}

// The hand-written peer's order workflow (peers/handwritten/order.go).
type Address struct {
	Street string `json:"street"`
	City   string `json:"city"`
	Zip    string `json:"zip"`
}
type Customer struct {
	Email   string  `json:"email"`
	Address Address `json:"address"`
}
type LineItem struct {
	Sku string `json:"sku"`
	Qty int64  `json:"qty"`
}
type Payment struct {
	Status        string  `json:"status"`
	TransactionID string  `json:"transactionId"`
	Amount        float64 `json:"amount"`
}
type InventoryResult struct {
	InventoryUpdated bool  `json:"inventoryUpdated"`
	Lines            int64 `json:"lines"`
}
type EmailResult struct {
	EmailSent bool   `json:"emailSent"`
	To        string `json:"to"`
}
type Shipping struct {
	ShipmentID string `json:"shipmentId"`
	Carrier    string `json:"carrier"`
}
type ErrorInfo struct {
	Error string `json:"Error"`
	Cause string `json:"Cause"`
}
type Order struct {
	OrderID    string     `json:"orderId"`
	Amount     float64    `json:"amount"`
	Currency   string     `json:"currency"`
	Items      []LineItem `json:"items"`
	Customer   Customer   `json:"customer"`
	Payment    *Payment   `json:"payment,omitempty"`
	Fulfilment []any      `json:"fulfilment,omitempty"`
	Shipping   *Shipping  `json:"shipping,omitempty"`
	Error      *ErrorInfo `json:"error,omitempty"`
}

func processPayment(orderID string, amount float64, currency string) (Payment, error) {
	return Payment{Status: "APPROVED", TransactionID: "TX-" + orderID, Amount: amount}, nil
}
func updateInventory(orderID string, items []LineItem) (InventoryResult, error) {
	return InventoryResult{InventoryUpdated: true, Lines: int64(len(items))}, nil
}
func sendConfirmationEmail(orderID, email string) (EmailResult, error) {
	return EmailResult{EmailSent: true, To: email}, nil
}
func notifyShipping(orderID, transactionID string, addr Address) (Shipping, error) {
	return Shipping{ShipmentID: "SHIP-" + orderID, Carrier: "ACME"}, nil
}

type retrier struct {
	interval    time.Duration
	maxAttempts int
	backoff     float64
}

func retry[T any](r retrier, fn func() (T, error)) (T, error) {
	v, err := fn()
	for attempt, wait := 0, r.interval; err != nil && attempt < r.maxAttempts; attempt++ {
		time.Sleep(wait)
		wait = time.Duration(float64(wait) * r.backoff)
		v, err = fn()
	}
	return v, err
}

var (
	errPaymentFailed    = errors.New("PaymentFailed: The payment was not approved")
	errFulfilmentFailed = errors.New("FulfilmentFailed: Inventory, e-mail or shipping failed")
)

func taskError(err error) *ErrorInfo {
	return &ErrorInfo{Error: "States.TaskFailed", Cause: err.Error()}
}

func runOrder(o Order) (Order, error) {
	p, err := retry(retrier{time.Second, 3, 2}, func() (Payment, error) { return processPayment(o.OrderID, o.Amount, o.Currency) })
	if err != nil {
		o.Error = taskError(err)
		return o, errPaymentFailed
	}
	o.Payment = &p
	if o.Payment.Status != "APPROVED" {
		return o, errPaymentFailed
	}
	var (
		wg         sync.WaitGroup
		inv        InventoryResult
		mail       EmailResult
		errA, errB error
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		inv, errA = retry(retrier{time.Second, 2, 2}, func() (InventoryResult, error) { return updateInventory(o.OrderID, o.Items) })
	}()
	go func() {
		defer wg.Done()
		mail, errB = retry(retrier{time.Second, 2, 2}, func() (EmailResult, error) { return sendConfirmationEmail(o.OrderID, o.Customer.Email) })
	}()
	wg.Wait()
	if err := errors.Join(errA, errB); err != nil {
		o.Error = taskError(err)
		return o, errFulfilmentFailed
	}
	o.Fulfilment = []any{inv, mail}
	s, err := retry(retrier{2 * time.Second, 3, 2}, func() (Shipping, error) {
		return notifyShipping(o.OrderID, o.Payment.TransactionID, o.Customer.Address)
	})
	if err != nil {
		o.Error = taskError(err)
		return o, errFulfilmentFailed
	}
	o.Shipping = &s
	return o, nil
}
