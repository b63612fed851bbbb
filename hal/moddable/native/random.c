/*
 * tc-iot-random: fills a buffer from the operating system's or the hardware's cryptographic random source.
 *
 * Why not Math.random or Moddable's `rng`: XS's Math.random is `c_rand()`, which is `esp_random()` on the ESP32
 * (xs/platforms/esp/xsHost.h) but libc `rand()` on the desktop simulators (xs/platforms/xsPlatform.h), and XS
 * never seeds it (the `c_srand` call in xsMath.c is commented out): every simulator boot draws the same
 * sequence (seen on mcsim, SDK 8.2.3: test/moddable/random.sim.ts). `rng` (modules/crypt/etc/rng.c) is RC4
 * keyed from the same c_rand, so it repeats with it. The HAL promises cryptographic bytes (hal/hal.ts), so
 * this module asks the platform's CSPRNG directly and throws rather than hand back anything weaker.
 *
 *   ESP32    esp_fill_random (ESP-IDF v5, esp_random.h): the hardware RNG. Its output is truly random while
 *            Wi-Fi or Bluetooth runs (the firmware joins Wi-Fi before main), a CSPRNG-grade pseudo-random
 *            stream seeded by the bootloader otherwise (ESP-IDF "Random Number Generation").
 *   Linux    getrandom(2) with flags 0: blocks only until the kernel pool is initialised at boot.
 *   macOS    arc4random_buf(3): the kernel's CSPRNG; cannot fail.
 *   Windows  BCryptGenRandom with BCRYPT_USE_SYSTEM_PREFERRED_RNG (bcrypt.lib).
 *
 * JS (random.js): fillRandom(buffer) fills every byte of an ArrayBuffer, DataView or 1-byte typed array in place.
 */
#include "xsPlatform.h"
#include "xsmc.h"
#include <stddef.h>
#include <stdint.h>

#if ESP32
	#include "esp_random.h"
#elif defined(__linux__)
	#include <errno.h>
	#include <sys/random.h>
#elif defined(__APPLE__)
	#include <stdlib.h>
#elif defined(_WIN32)
	#include <windows.h>
	#include <bcrypt.h>
	#pragma comment(lib, "bcrypt.lib")
#else
	#error "tc-iot-random: no cryptographic random source known for this platform"
#endif

/* Fills data[0..length) and returns 1, or returns 0 when the platform's source failed. */
static int fillFromPlatform(uint8_t *data, size_t length)
{
#if ESP32
	esp_fill_random(data, length);
	return 1;
#elif defined(__linux__)
	size_t filled = 0;
	int interrupted = 0;
	while (filled < length) {
		/* getrandom returns at most 33554431 bytes per call, fewer if a signal interrupts a large request. */
		ssize_t got = getrandom(data + filled, length - filled, 0);
		if (got > 0)
			filled += (size_t)got;
		else if ((got < 0) && (errno == EINTR) && (++interrupted < 1000))
			continue;
		else
			return 0;
	}
	return 1;
#elif defined(__APPLE__)
	arc4random_buf(data, length);
	return 1;
#elif defined(_WIN32)
	while (length > 0) {
		ULONG chunk = (length > 0x40000000) ? 0x40000000 : (ULONG)length;
		if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
			return 0;
		data += chunk;
		length -= chunk;
	}
	return 1;
#endif
}

void xs_tciot_random_fill(xsMachine *the)
{
	void *data;
	xsUnsignedValue length;

	/* An ArrayBuffer, a DataView or a 1-byte typed array (a view: only its own bytes); else TypeError "invalid buffer". */
	xsmcGetBufferWritable(xsArg(0), &data, &length);
	if (length == 0)
		return;
	/* No XS call happens between getting the pointer and the end of the fill, so the buffer cannot move. */
	if (!fillFromPlatform((uint8_t *)data, (size_t)length))
		xsUnknownError("no cryptographic random bytes from the platform");
}
