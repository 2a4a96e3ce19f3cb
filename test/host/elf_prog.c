/* A static RISC-V executable for test_elf: text, initialised data and bss. */
int counter = 1;
int buf[256];
void _start(void)
{
	for (;;)
		buf[counter & 255] = counter++;
}
