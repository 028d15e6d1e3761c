/*
 * Assignment 2 (a student's submission): a Linux userland program. Read lines from
 * standard input until end of file; print each in upper case; at the end print
 * "lines: N" with the number of lines read.
 */
#include <ctype.h>
#include <stdio.h>

int main(void)
{
    char line[256];
    int n = 0;
    while (fgets(line, sizeof(line), stdin)) {
        for (char *p = line; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        fputs(line, stdout);
        fflush(stdout);
        n++;
    }
    printf("lines: %d\n", n);
    return 0;
}
