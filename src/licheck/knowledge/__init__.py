"""What licheck knows: license profiles (the catalog), base-model families, license identification.

Knowledge is built once at a run's entry point and passed down (as license-expression's
`get_spdx_licensing()` is), never held in module-level singletons.
"""
