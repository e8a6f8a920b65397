//! Writing the site safely: into a new folder beside the output, then swapped in whole.
