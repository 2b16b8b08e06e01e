/* capsniff.c - PLACEHOLDER until the example sniffer lands. */
int main(void) { return 1; }
