// hello_cli prints "hello" and exits: the program whose start time the
// benchmark measures (a Go runtime brought up and torn down, nothing else).
package main

import "fmt"

func main() {
	fmt.Println("hello")
}
