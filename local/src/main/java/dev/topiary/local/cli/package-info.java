/**
 * The {@code topiary} command line's client side: {@link TopiaryCommand} ({@code submit}, {@code
 * status}, {@code watch}, {@code report}, {@code download}, {@code cancel}) talks to a gateway,
 * local or remote, through {@link GatewayClient}; {@link EventFollower} follows a job's {@link
 * EventStream} across gateway restarts; {@link DemoCommand} runs the demo job through the local
 * stack.
 */
package dev.topiary.local.cli;
