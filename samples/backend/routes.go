package backend

import (
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"unicode"
)

// Order is what GET /orders/{id} answers. The values are derived from the
// id, so the same id always gives the same order (README outputs stay true).
type Order struct {
	ID       string  `json:"id"`
	Status   string  `json:"status"`
	Customer string  `json:"customer"`
	Items    []Item  `json:"items"`
	Total    float64 `json:"total"`
	Currency string  `json:"currency"`
	Backend  string  `json:"backend"`
}

// Item is one line of an order.
type Item struct {
	SKU      string  `json:"sku"`
	Quantity int     `json:"quantity"`
	Price    float64 `json:"price"`
}

var (
	statuses  = []string{"pending", "paid", "shipped", "delivered"}
	customers = []string{"alice", "bob", "carol", "dave"}
)

// order answers an order for a numeric id and 404 for anything else.
func order(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	n, err := strconv.ParseUint(id, 10, 32)
	if err != nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "order not found", "id": id})
		return
	}
	qty := int(n%3) + 1
	price := float64(n%50) + 9.5
	writeJSON(w, http.StatusOK, Order{
		ID:       id,
		Status:   statuses[n%uint64(len(statuses))],
		Customer: customers[n%uint64(len(customers))],
		Items:    []Item{{SKU: "SKU-" + strconv.FormatUint(100+n%900, 10), Quantity: qty, Price: price}},
		Total:    float64(qty) * price,
		Currency: "EUR",
		Backend:  "sample",
	})
}

// Weather is what GET /weather/{city} answers.
type Weather struct {
	City         string `json:"city"`
	TemperatureC int    `json:"temperature_c"`
	Conditions   string `json:"conditions"`
	Backend      string `json:"backend"`
}

var conditions = []string{"sunny", "cloudy", "rain", "windy", "fog"}

// weather answers made-up but stable weather for a city name made of
// letters and dashes, 400 otherwise.
func weather(w http.ResponseWriter, r *http.Request) {
	city := r.PathValue("city")
	if city == "" || strings.IndexFunc(city, func(c rune) bool { return !unicode.IsLetter(c) && c != '-' }) >= 0 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unknown city", "city": city})
		return
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(strings.ToLower(city)))
	sum := h.Sum32()
	writeJSON(w, http.StatusOK, Weather{
		City:         city,
		TemperatureC: int(sum%35) - 5,
		Conditions:   conditions[sum%uint32(len(conditions))],
		Backend:      "sample",
	})
}
