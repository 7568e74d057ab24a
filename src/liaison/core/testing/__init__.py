"""What the tests and the benchmarks run Liaison with, as a deployment would: never imported
by the product itself."""
