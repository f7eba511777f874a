/**
 * `nestjs-token-broker/testing`: what our own specs use to test providers,
 * for yours. Real HTTP upstreams on loopback (not mocks of axios), a clock
 * tests move by hand, and a store that records every write.
 *
 * @example
 * const clock = new FakeClock();
 * const upstream = await new UpstreamSimulator((call) => ({ status: 200, body: { token: 't', expires_in: 60 } })).start();
 * process.env.WEATHER_TOKEN_URL = upstream.url; // read by your provider
 * Test.createTestingModule({ imports: [TokenModule.forRoot({ clock })], providers: [WeatherTokenProvider] });
 * clock.advance(61_000); // the grant has expired: the next request calls the upstream again
 */
export * from './fake-clock';
export * from './recording-store';
export * from './upstream-failure';
export * from './upstream-simulator';
export * from './miso-simulator';
export * from './sentifyd-simulator';
export * from '../assemblyai/assemblyai-simulator';
export * from '../elevenlabs/elevenlabs-simulator';
export * from '../azure-speech/azure-speech-simulator';
export * from '../oauth2/oauth2-simulator';
export * from '../openai/openai-simulator';
export * from '../gemini/gemini-simulator';
export * from '../deepgram/deepgram-simulator';
