package common

// Placeholders must never pass for typed values: without colour (NO_COLOR,
// a monochrome terminal) a dim "Hello {{first_name}}" reads exactly like a
// subject someone typed. So every placeholder says in words what it is: a
// sample starts with "e.g.", a description sits in parentheses.

// Example is the placeholder of an input that shows a sample value.
func Example(sample string) string { return "e.g. " + sample }

// Hint is the placeholder of an input that describes what goes in it or
// what an empty value means.
func Hint(text string) string { return "(" + text + ")" }
