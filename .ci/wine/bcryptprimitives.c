/*
 * A stand-in bcryptprimitives.dll for running Verifydesk.exe under Debian's
 * Wine 8.0 in CI, never shipped. Go 1.22 and later take their random bytes
 * from ProcessPrng in bcryptprimitives.dll, which Wine 8.0 lacks; this one
 * gets them from RtlGenRandom (SystemFunction036 in advapi32), as Go did
 * before. Built with MinGW-w64 by .ci/wine-test into the Wine prefix's
 * system32.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG n = length > 0x10000000 ? 0x10000000 : (ULONG)length;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		length -= n;
	}
	return TRUE;
}
