// The program of each layer's link check (cmake/Layers.cmake): it calls
// nothing; linking every object of one layer with only the layers it
// declares is the check.
int main() { return 0; }
