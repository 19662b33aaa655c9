/**
 * Test support for this project's tests and for users' tests (test scope): {@link
 * org.toxreactive.test.LeakCheckExtension} fails a JUnit test class that leaked a Netty buffer
 * (with {@link org.toxreactive.test.RecordingLeakDetector} installed as Netty's leak detector), and
 * {@link org.toxreactive.test.FuzzInput} / {@link org.toxreactive.test.FuzzSeeds} help write Jazzer
 * fuzz targets and their seed corpora. Nothing registers itself with JUnit: an extension is used
 * only where a test names it. The simulated network is in {@code org.toxreactive.test.sim}.
 */
@NullMarked
package org.toxreactive.test;

import org.jspecify.annotations.NullMarked;
